package dev.holon.localcluster.process;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Whether a TCP port can be taken by a server that listens on all interfaces (what Spring Boot,
 * Keycloak and Kafka do) and nothing answers on it locally.
 */
public final class PortCheck {

    private PortCheck() {
    }

    public static boolean isFree(int port) {
        return canBind(null, port) && canBind(InetAddress.getLoopbackAddress(), port) && !answers(port);
    }

    /** Something accepts connections on localhost:port. */
    public static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean canBind(InetAddress address, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // a TIME_WAIT left by our own last run is not "in use"
            socket.bind(new InetSocketAddress(address, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
