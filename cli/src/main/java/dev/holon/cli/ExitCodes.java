package dev.holon.cli;

/** The exit codes of {@code holon}, a contract with scripts: documented in cli/README.md, never renumbered. */
public final class ExitCodes {
    /** Done; for jobs submit --wait / jobs wait: the job SUCCEEDED. */
    public static final int OK = 0;
    /** The job FAILED or was CANCELLED, or the API answered an error not listed below. */
    public static final int FAILED = 1;
    /** The command line is wrong (picocli's own code for usage errors). */
    public static final int USAGE = 2;
    /** Not logged in, the session expired, or the role/tenant does not allow it (401, 403). */
    public static final int AUTH = 3;
    /** No such node, job, task or file (404). */
    public static final int NOT_FOUND = 4;
    /** The gateway or Keycloak cannot be reached, or answered 503 (a service behind it is down). */
    public static final int UNREACHABLE = 5;
    /** A conflict: the file exists, it changed since you read it, a directory is not empty (409, 412, 428). */
    public static final int CONFLICT = 6;
    /** A wait ran out of time (--timeout) before the job ended. */
    public static final int TIMEOUT = 7;

    private ExitCodes() {
    }
}
