package dev.holon.worker.execution;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SandboxCommandTest {

    private static final HostTools TOOLS = new HostTools(Path.of("/bin/sh"), Path.of("/usr/bin/unshare"),
            Path.of("/usr/bin/setpriv"), Path.of("/usr/bin/prlimit"), Path.of("/usr/sbin/useradd"),
            Path.of("/usr/bin/getent"));

    @Test
    void everyMechanismInItsPlace() {
        Isolation all = new Isolation(Isolation.MemoryLimit.CGROUP_V1, Isolation.CpuLimit.CGROUP_V1,
                Isolation.Namespaces.PID, true, true, List.of());

        List<String> argv = SandboxCommand.argv(TOOLS, all, List.of(Path.of("/cg/memory/a1/cgroup.procs")),
                Path.of("/tasks/a1/exit"), new TenantUsers.UnixUser("holon-t-x", 990, 985), 64L << 20,
                List.of("sleep", "1"));

        assertThat(argv).containsSubsequence("/bin/sh", "-c", SandboxCommand.JOIN_AND_RECORD, "holon-sandbox",
                "/cg/memory/a1/cgroup.procs", "--", "/tasks/a1/exit",
                "/usr/bin/unshare", "--pid", "--fork", "--mount-proc", "--kill-child", "--",
                "/usr/bin/setpriv", "--reuid=990", "--regid=985", "--clear-groups", "--no-new-privs",
                "/bin/sh", "-c", SandboxCommand.NAMESPACE_INIT, "holon-init", "sleep", "1");
        assertThat(argv).doesNotContain("/usr/bin/prlimit").endsWith("sleep", "1");
    }

    @Test
    void theFallbacksWhenNothingIsAvailable() {
        Isolation none = new Isolation(Isolation.MemoryLimit.PRLIMIT_ADDRESS_SPACE, Isolation.CpuLimit.NONE,
                Isolation.Namespaces.NONE, false, false, List.of());

        List<String> argv = SandboxCommand.argv(TOOLS, none, List.of(), Path.of("/tasks/a1/exit"), null, 1024,
                List.of("true"));

        assertThat(argv).containsExactly("/bin/sh", "-c", SandboxCommand.JOIN_AND_RECORD, "holon-sandbox", "--",
                "/tasks/a1/exit", "/bin/sh", "-c", SandboxCommand.APPLY_ENV, "holon-env",
                "/usr/bin/prlimit", "--as=1024:1024", "--", "true");
    }

    @Test
    void theExportScriptKeepsEveryValueLiterally() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUOTES", "it's \"x\" '' \\'");
        env.put("EXPANSIONS", "$HOME $(id) `id` ${PATH}");
        env.put("LINES", "a\nb\n");
        env.put("EMPTY", "");

        Process sh = new ProcessBuilder("/bin/sh", "-c", "eval \"$(cat)\"; printf '%s\\0' \"$QUOTES\" "
                + "\"$EXPANSIONS\" \"$LINES\" \"$EMPTY\"").start();
        try (var stdin = sh.getOutputStream()) {
            stdin.write(SandboxCommand.exportScript(env).getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(sh.waitFor()).isZero();
        assertThat(out.split("\0", -1)).containsExactly(env.get("QUOTES"), env.get("EXPANSIONS"),
                env.get("LINES"), "", "");
    }
}
