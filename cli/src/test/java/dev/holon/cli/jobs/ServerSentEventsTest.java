package dev.holon.cli.jobs;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ServerSentEventsTest {

    @Test
    void readsIdsTypesMultiLineDataAndSkipsComments() throws IOException {
        String stream = ":keepalive\n\nid:6\ndata:task 0\n\nid: 20\ndata: line a\ndata: line b\n\nevent:end\nid:20\ndata:end\n\n";
        List<ServerSentEvents.Event> events = new ArrayList<>();
        ServerSentEvents.read(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), events::add);
        assertThat(events).containsExactly(new ServerSentEvents.Event("6", "message", "task 0"),
                new ServerSentEvents.Event("20", "message", "line a\nline b"),
                new ServerSentEvents.Event("20", "end", "end"));
    }

    @Test
    void theListenerStopsTheReading() throws IOException {
        List<String> data = new ArrayList<>();
        ServerSentEvents.read(new ByteArrayInputStream("data:a\n\ndata:b\n\n".getBytes()), e -> {
            data.add(e.data());
            return false;
        });
        assertThat(data).containsExactly("a");
    }
}
