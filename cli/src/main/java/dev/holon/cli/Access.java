package dev.holon.cli;

import dev.holon.cli.http.ApiClient;
import dev.holon.cli.output.Printer;
import dev.holon.cli.output.Style;

import java.io.PrintStream;

/** Lets helpers in feature packages use a command's API client, printer and streams. */
public final class Access {
    private Access() {
    }

    public static ApiClient api(CliCommand command) {
        return command.api();
    }

    public static Printer printer(CliCommand command) {
        return command.printer();
    }

    public static Style style(CliCommand command) {
        return command.style();
    }

    public static PrintStream out(CliCommand command) {
        return command.ctx.out();
    }

    public static PrintStream err(CliCommand command) {
        return command.ctx.err();
    }
}
