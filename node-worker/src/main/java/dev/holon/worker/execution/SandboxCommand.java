package dev.holon.worker.execution;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The argv that starts one attempt, a chain of small programs that each set up one thing and then exec the next:
 * <ol>
 * <li>{@code sh} (as the worker) joins the attempt's cgroups, runs the rest, and writes the exit status to the
 * {@code exit} file, so a restarted worker can still learn it. It ignores TERM, so only the task is stopped.</li>
 * <li>{@code unshare --pid --fork --mount-proc --kill-child}: a new PID namespace with its own /proc; when its
 * init dies the kernel kills everything left in it.</li>
 * <li>{@code setpriv}: the tenant's user and group, no supplementary groups, no capabilities, no new privileges.</li>
 * <li>{@code sh} as the namespace's init: applies the task's own env, runs the task as its child and forwards TERM
 * to it, because the kernel drops signals to a namespace init that has no handler (a plain {@code sleep} as init
 * would ignore SIGTERM). Without a namespace, a smaller {@code sh} step only applies the env and execs.</li>
 * <li>{@code prlimit --as}: the address-space limit when no memory cgroup is in effect.</li>
 * </ol>
 * Steps are left out when the mechanism is not in effect. The chain runs with the base environment the worker
 * controls (PATH, LANG, HOME, HOLON_*); the spec's own variables arrive on stdin as an {@link #exportScript} and are
 * applied only in the last shell, after the user switch, so a task's {@code LD_PRELOAD} never reaches a program
 * running as the worker. Stdin is /dev/null for the task itself. Plain function of its inputs.
 */
final class SandboxCommand {

    /** Args: the cgroup.procs files, "--", the exit file, then the command. */
    static final String JOIN_AND_RECORD = """
            trap : TERM INT HUP
            while [ "$1" != -- ]; do
              { echo $$ > "$1"; } 2>/dev/null || { echo "holon-sandbox: cannot join cgroup $1" >&2; exit 125; }
              shift
            done
            shift
            exitfile=$1
            shift
            "$@"
            rc=$?
            echo "$rc" > "$exitfile"
            exit "$rc"
            """;

    /**
     * Args: the command. Exits with the command's status (128 + signal when a signal ended it). A trapped signal
     * cuts {@code wait} short with 128 + signal while the child may still be handling it, so it waits again; dash
     * keeps the child's status for that second {@code wait} even once it has reaped the child.
     */
    static final String NAMESPACE_INIT = """
            unset PWD
            eval "$(cat)"
            trap 'signalled=1; kill -TERM "$child" 2>/dev/null' TERM INT HUP
            "$@" </dev/null &
            child=$!
            while :; do
              signalled=
              wait "$child"
              rc=$?
              [ -n "$signalled" ] || break
            done
            exit "$rc"
            """;

    /** Args: the command. Applies the env from stdin and becomes the command. (dash exports a PWD of its own.) */
    static final String APPLY_ENV = """
            unset PWD
            eval "$(cat)"
            exec "$@" </dev/null
            """;

    /** The wrapper's exit code when it could not join a cgroup. */
    static final int CANNOT_JOIN_CGROUP = 125;
    static final String WRAPPER_MESSAGE = "holon-sandbox: ";

    private SandboxCommand() {
    }

    /**
     * {@code export NAME='value'} lines for {@code env}, single-quoted (a quote inside becomes {@code '\\''}), so any
     * value is taken literally. Names are checked by {@link TaskSpec}.
     */
    static String exportScript(Map<String, String> env) {
        StringBuilder script = new StringBuilder();
        env.forEach((name, value) -> script.append("export ").append(name).append("='")
                .append(value.replace("'", "'\\''")).append("'\n"));
        return script.toString();
    }

    static List<String> unshare(HostTools tools, boolean userNamespace) {
        List<String> argv = new ArrayList<>();
        argv.add(tools.unshare().toString());
        if (userNamespace) {
            argv.addAll(List.of("--user", "--map-root-user"));
        }
        argv.addAll(List.of("--pid", "--fork", "--mount-proc", "--kill-child", "--"));
        return argv;
    }

    static List<String> argv(HostTools tools, Isolation isolation, List<Path> cgroupProcs, Path exitFile,
                             TenantUsers.UnixUser user, long memoryBytes, List<String> command) {
        List<String> argv = new ArrayList<>(List.of(tools.sh().toString(), "-c", JOIN_AND_RECORD, "holon-sandbox"));
        cgroupProcs.forEach(procs -> argv.add(procs.toString()));
        argv.add("--");
        argv.add(exitFile.toString());
        if (isolation.pidNamespace()) {
            argv.addAll(unshare(tools, isolation.namespaces() == Isolation.Namespaces.USER_AND_PID));
        }
        if (user != null) {
            argv.addAll(List.of(tools.setpriv().toString(), "--reuid=" + user.uid(), "--regid=" + user.gid(),
                    "--clear-groups", "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--"));
        }
        if (isolation.pidNamespace()) {
            argv.addAll(List.of(tools.sh().toString(), "-c", NAMESPACE_INIT, "holon-init"));
        } else {
            argv.addAll(List.of(tools.sh().toString(), "-c", APPLY_ENV, "holon-env"));
        }
        if (isolation.memory() == Isolation.MemoryLimit.PRLIMIT_ADDRESS_SPACE) {
            argv.addAll(List.of(tools.prlimit().toString(), "--as=" + memoryBytes + ":" + memoryBytes, "--"));
        }
        argv.addAll(command);
        return argv;
    }
}
