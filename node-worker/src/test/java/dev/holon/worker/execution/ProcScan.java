package dev.holon.worker.execution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test-side check of the process table, independent of the code under test: who still carries an attempt id. */
public final class ProcScan {

    private ProcScan() {
    }

    /** Pids of live (non-zombie) processes whose environment has {@code HOLON_ATTEMPT_ID=<attemptId>}. */
    public static List<Long> processesOf(String attemptId) {
        String wanted = "HOLON_ATTEMPT_ID=" + attemptId;
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"),
                p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path dir : proc) {
                try {
                    String environ = new String(Files.readAllBytes(dir.resolve("environ")), StandardCharsets.UTF_8);
                    if (Arrays.asList(environ.split("\0")).contains(wanted) && !isZombie(dir)) {
                        found.add(Long.parseLong(dir.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // gone or not readable
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return found;
    }

    private static boolean isZombie(Path dir) throws IOException {
        String stat = Files.readString(dir.resolve("stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    }
}
