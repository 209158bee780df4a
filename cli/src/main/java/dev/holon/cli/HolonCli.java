package dev.holon.cli;

import dev.holon.cli.auth.LoginCommand;
import dev.holon.cli.auth.LogoutCommand;
import dev.holon.cli.auth.TenantCommand;
import dev.holon.cli.auth.WhoamiCommand;
import dev.holon.cli.config.ConfigCommand;
import dev.holon.cli.files.FilesCommand;
import dev.holon.cli.jobs.JobsCommand;
import dev.holon.cli.nodes.ClusterCommand;
import dev.holon.cli.nodes.NodesCommand;
import dev.holon.localcluster.HolonCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.Map;

/**
 * {@code holon}: one command for the whole system. {@code up|down|status} are local-cluster's own commands; the
 * others talk to the gateway. Exit codes: {@link ExitCodes}.
 */
@Command(name = "holon", mixinStandardHelpOptions = true, version = "holon 0.1.0-SNAPSHOT",
        description = "Many machines, one computer: the Holon command line.",
        footer = {"", "Exit codes: 0 ok, 1 failed job or remote error, 2 usage, 3 not logged in/forbidden,"
                + " 4 not found, 5 cluster unreachable, 6 conflict, 7 timeout.",
                "Start here: holon up; holon login; holon nodes ls"},
        subcommands = {LoginCommand.class, LogoutCommand.class, WhoamiCommand.class, TenantCommand.class,
                NodesCommand.class, ClusterCommand.class, JobsCommand.class, FilesCommand.class, ConfigCommand.class,
                CompletionCommand.class})
public final class HolonCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "dev/holon/localcluster/cli/launcher-logback.xml");
        }
        System.exit(run(CliContext.system(), args));
    }

    /** Runs one command line in this JVM, as the {@code holon} script does; returns its exit code. */
    public static int run(CliContext context, String... args) {
        return commandLine(context).execute(args);
    }

    public static CommandLine commandLine(CliContext context) {
        CommandLine cli = new CommandLine(new HolonCli(), new ContextFactory(context));
        CommandLine cluster = new CommandLine(new HolonCommand());
        for (Map.Entry<String, CommandLine> local : cluster.getSubcommands().entrySet()) {
            cli.addSubcommand(local.getKey(), local.getValue());
        }
        cli.setOut(new PrintWriter(context.out(), true));
        cli.setErr(new PrintWriter(context.err(), true));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(context.colour()
                ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CliException cliException) {
                context.err().println("error: " + cliException.getMessage());
                return cliException.exitCode();
            }
            context.err().println("error: " + e);
            return ExitCodes.FAILED;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Creates commands with picocli's default factory and hands each {@link CliCommand} the context. */
    private record ContextFactory(CliContext context) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            K instance = CommandLine.defaultFactory().create(type);
            if (instance instanceof CliCommand command) {
                command.context(context);
            }
            return instance;
        }
    }
}
