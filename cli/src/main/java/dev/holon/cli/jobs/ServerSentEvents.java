package dev.holon.cli.jobs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Reads a {@code text/event-stream} (the WHATWG rules that matter here) and hands each event to a listener. */
public final class ServerSentEvents {

    public record Event(String id, String type, String data) {
    }

    /** Returns false to stop reading. */
    @FunctionalInterface
    public interface Listener {
        boolean onEvent(Event event);
    }

    private ServerSentEvents() {
    }

    /** Reads until the stream ends or the listener says stop; the last id seen is in the events. */
    public static void read(InputStream in, Listener listener) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String id = null;
        String type = null;
        StringBuilder data = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    if (!listener.onEvent(new Event(id, type == null ? "message" : type, data.toString()))) {
                        return;
                    }
                }
                type = null;
                data = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue; // comment / keepalive
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "id" -> id = value;
                case "event" -> type = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> { }
            }
        }
    }
}
