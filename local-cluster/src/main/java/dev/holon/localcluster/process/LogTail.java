package dev.holon.localcluster.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads the end of a (possibly large) log file, so a failed start can show why without loading it all. */
public final class LogTail {

    private static final int MAX_BYTES = 64 * 1024;

    private LogTail() {
    }

    private static boolean isCause(String line) {
        return line.startsWith("Caused by:") || line.contains(" ERROR ") || line.contains("APPLICATION FAILED TO START")
                || line.startsWith("Exception in thread");
    }

    public static List<String> lastLines(Path file, int lines) {
        if (file == null || !Files.isRegularFile(file)) {
            return List.of();
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            int size = (int) Math.min(length, MAX_BYTES);
            byte[] buffer = new byte[size];
            in.seek(length - size);
            in.readFully(buffer);
            List<String> all = new ArrayList<>(Arrays.asList(new String(buffer, StandardCharsets.UTF_8).split("\r?\n")));
            if (size < length && !all.isEmpty()) {
                all.removeFirst(); // probably a partial line
            }
            return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
        }
    }

    /**
     * The last lines indented for an error message, followed by the log's path. When those lines are
     * only stack frames, the last {@code Caused by:} (the root cause) or ERROR line above them comes first.
     */
    public static String excerpt(Path file, int lines) {
        StringBuilder text = new StringBuilder();
        List<String> tail = lastLines(file, lines);
        List<String> more = lastLines(file, 2000);
        if (tail.stream().noneMatch(LogTail::isCause)) {
            for (int i = more.size() - tail.size() - 1; i >= 0; i--) {
                if (isCause(more.get(i))) {
                    text.append("    cause: ").append(more.get(i).strip()).append('\n');
                    break;
                }
            }
        }
        if (tail.isEmpty()) {
            text.append("    (the log is empty)\n");
        }
        for (String line : tail) {
            text.append("    | ").append(line).append('\n');
        }
        text.append("    full log: ").append(file);
        return text.toString();
    }
}
