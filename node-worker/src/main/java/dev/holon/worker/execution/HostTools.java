package dev.holon.worker.execution;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Absolute paths of the host programs the sandbox uses, looked up on the standard system {@code PATH} (never the
 * task's, which the task's own env may change). A missing program is null.
 */
record HostTools(Path sh, Path unshare, Path setpriv, Path prlimit, Path useradd, Path getent) {

    static HostTools locate() {
        return new HostTools(find("sh"), find("unshare"), find("setpriv"), find("prlimit"), find("useradd"),
                find("getent"));
    }

    static Path find(String program) {
        for (String dir : SandboxOptions.DEFAULT_PATH.split(":")) {
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
