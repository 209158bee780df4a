package dev.holon.cli.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holon.cli.CliCommand;
import dev.holon.cli.CliException;
import dev.holon.cli.ExitCodes;
import dev.holon.cli.http.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code holon config show|set|unset}: the settings file, and where each URL in use comes from. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Settings in ~/.holon/cli/config.yaml: gateway, issuer.",
        subcommands = {ConfigCommand.Show.class, ConfigCommand.Set.class, ConfigCommand.Unset.class})
public final class ConfigCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static void checkKey(String key) {
        if (!ConfigFile.KEYS.contains(key)) {
            throw new CliException(ExitCodes.USAGE, "unknown setting " + key + " (known: gateway, issuer)");
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "The gateway and issuer in use (flag > environment > config file > login > default).")
    public static final class Show extends CliCommand {
        @Override
        protected int execute() {
            Endpoints endpoints = endpoints();
            ObjectNode view = ApiClient.JSON.createObjectNode().put("gateway", endpoints.gateway())
                    .put("issuer", endpoints.issuer()).put("configFile", new ConfigFile(ctx.cliHome()).file().toString())
                    .put("credentials", store().file().toString());
            printer().print(view, out -> view.fields().forEachRemaining(e ->
                    out.printf("%-12s %s%n", e.getKey(), e.getValue().asText())));
            return ExitCodes.OK;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "holon config set gateway http://host:8080")
    public static final class Set extends CliCommand {
        @Parameters(index = "0", paramLabel = "KEY")
        String key;
        @Parameters(index = "1", paramLabel = "VALUE")
        String value;

        @Override
        protected int execute() {
            checkKey(key);
            ConfigFile file = new ConfigFile(ctx.cliHome());
            Map<String, String> values = new LinkedHashMap<>(file.load());
            values.put(key, value);
            file.save(values);
            ctx.out().println(key + " = " + value + " (" + file.file() + ")");
            return ExitCodes.OK;
        }
    }

    @Command(name = "unset", mixinStandardHelpOptions = true, description = "Remove a setting.")
    public static final class Unset extends CliCommand {
        @Parameters(paramLabel = "KEY")
        String key;

        @Override
        protected int execute() {
            checkKey(key);
            ConfigFile file = new ConfigFile(ctx.cliHome());
            Map<String, String> values = new LinkedHashMap<>(file.load());
            values.remove(key);
            file.save(values);
            ctx.out().println(key + " unset");
            return ExitCodes.OK;
        }
    }
}
