package dev.holon.cli;

/** A failure the user can act on: its message is printed as is (one line, what happened and what to do next). */
public class CliException extends RuntimeException {
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static CliException notLoggedIn() {
        return new CliException(ExitCodes.AUTH, "not logged in: run holon login");
    }
}
