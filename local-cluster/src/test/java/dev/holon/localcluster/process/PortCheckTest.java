package dev.holon.localcluster.process;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

class PortCheckTest {

    @Test
    void aListeningPortIsNotFreeAndIsFreeAgainOnceClosed() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = server.getLocalPort();

            assertThat(PortCheck.isFree(port)).isFalse();
            assertThat(PortCheck.answers(port)).isTrue();
        }
        assertThat(PortCheck.isFree(port)).isTrue();
    }

    @Test
    void aPortTakenOnAllInterfacesIsNotFree() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            assertThat(PortCheck.isFree(server.getLocalPort())).isFalse();
        }
    }
}
