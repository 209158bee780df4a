package dev.holon.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command may touch of the outside world: environment, standard streams, whether they are a terminal.
 * Passed explicitly so that tests run {@code holon} in-process with their own home and streams.
 */
public record CliContext(Map<String, String> env, InputStream in, PrintStream out, PrintStream err, boolean terminal) {

    /** The real process: System streams, the real environment, a terminal when the console says so. */
    public static CliContext system() {
        return new CliContext(System.getenv(), System.in, System.out, System.err, isTerminal());
    }

    /** Where the CLI keeps its files: $HOLON_CLI_HOME, else $HOLON_HOME/cli, else ~/.holon/cli. */
    public Path cliHome() {
        String explicit = env.get("HOLON_CLI_HOME");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit).toAbsolutePath();
        }
        String holonHome = env.get("HOLON_HOME");
        Path base = holonHome != null && !holonHome.isBlank() ? Path.of(holonHome)
                : Path.of(System.getProperty("user.home"), ".holon");
        return base.resolve("cli").toAbsolutePath();
    }

    /** Colour only on a terminal, and never with NO_COLOR set (https://no-color.org) or TERM=dumb. */
    public boolean colour() {
        String noColor = env.get("NO_COLOR");
        return terminal && (noColor == null || noColor.isEmpty()) && !"dumb".equals(env.get("TERM"));
    }

    private static boolean isTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try { // JDK 22+: a Console exists even when redirected; isTerminal() tells.
            Method isTerminal = java.io.Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
