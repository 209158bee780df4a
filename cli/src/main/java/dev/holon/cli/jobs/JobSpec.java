package dev.holon.cli.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holon.cli.CliException;
import dev.holon.cli.ExitCodes;
import dev.holon.cli.http.ApiClient;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/jobs} from a job file (YAML or JSON in the REST body's shape) and/or flags; a flag
 * overrides the file's field. Unknown fields are left for the API to refuse (it names them).
 */
public final class JobSpec {

    /** Per task when neither flags nor the file say: a tenth of a core and 128 MiB (the API requires resources). */
    public static final long DEFAULT_CPU_MILLIS = 100;
    public static final long DEFAULT_MEMORY_MIB = 128;

    private JobSpec() {
    }

    public static ObjectNode fromFile(Path file, InputStream stdin) {
        try {
            InputStream in = file.toString().equals("-") ? stdin : Files.newInputStream(file);
            try (in) {
                Object parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(in); // YAML 1.1 reads JSON too
                if (!(parsed instanceof Map<?, ?>)) {
                    throw new CliException(ExitCodes.USAGE, file + " is not a job: expected an object like"
                            + " {name, command: [..], resources: {cpuMillis, memoryMiB}, count}");
                }
                return ApiClient.JSON.valueToTree(parsed);
            }
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCodes.USAGE, "no such file: " + file);
        } catch (IOException | RuntimeException e) {
            if (e instanceof CliException cli) {
                throw cli;
            }
            throw new CliException(ExitCodes.USAGE, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * Makes the job run the script in {@code file} ({@code -} reads stdin) with {@code /bin/sh}, in place of any
     * command the job file has; the job is named after the file unless something else names it.
     */
    public static ObjectNode script(ObjectNode body, Path file, InputStream stdin) {
        boolean fromStdin = file.toString().equals("-");
        try {
            byte[] text = fromStdin ? stdin.readAllBytes() : Files.readAllBytes(file);
            body.remove("command");
            body.put("script", new String(text, java.nio.charset.StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCodes.USAGE, "no such file: " + file);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read " + file + ": " + e.getMessage());
        }
        if (!body.has("name")) {
            body.put("name", fromStdin ? "script" : file.getFileName().toString().toLowerCase(java.util.Locale.ROOT));
        }
        return body;
    }

    /** Flags given on the command line; nulls are left as the file (or the API's default) has them. */
    public record Flags(String name, Integer count, String cpu, String mem, Integer gpus, String strategy,
            List<String> constraints, List<String> env, Integer retries, String retryBackoff, String timeout,
            Integer priority, List<String> command) {
    }

    public static ObjectNode apply(ObjectNode body, Flags flags) {
        if (flags.name() != null) {
            body.put("name", flags.name());
        }
        if (flags.count() != null) {
            body.put("count", flags.count());
        }
        if (flags.cpu() != null || flags.mem() != null || flags.gpus() != null) {
            ObjectNode resources = body.has("resources") && body.get("resources").isObject()
                    ? (ObjectNode) body.get("resources") : body.putObject("resources");
            if (flags.cpu() != null) {
                resources.put("cpuMillis", Quantities.cpuMillis(flags.cpu()));
            }
            if (flags.mem() != null) {
                resources.put("memoryMiB", Quantities.memoryMiB(flags.mem()));
            }
            if (flags.gpus() != null) {
                resources.put("gpus", flags.gpus());
            }
            if (!resources.has("cpuMillis")) {
                resources.put("cpuMillis", DEFAULT_CPU_MILLIS);
            }
            if (!resources.has("memoryMiB")) {
                resources.put("memoryMiB", DEFAULT_MEMORY_MIB);
            }
        }
        if (flags.strategy() != null) {
            body.put("strategy", flags.strategy().toUpperCase(java.util.Locale.ROOT));
        }
        if (flags.constraints() != null && !flags.constraints().isEmpty()) {
            ArrayNode constraints = body.putArray("constraints");
            flags.constraints().forEach(constraints::add);
        }
        if (flags.env() != null && !flags.env().isEmpty()) {
            ObjectNode env = body.has("env") && body.get("env").isObject() ? (ObjectNode) body.get("env") : body.putObject("env");
            for (String pair : flags.env()) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new CliException(ExitCodes.USAGE, "--env " + pair + ": expected NAME=value");
                }
                env.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        if (flags.retries() != null) {
            body.put("maxRetries", flags.retries());
        }
        if (flags.retryBackoff() != null) {
            body.put("retryBackoffSeconds", Quantities.seconds("--retry-backoff", flags.retryBackoff()));
        }
        if (flags.timeout() != null) {
            body.put("timeoutSeconds", Quantities.seconds("--timeout", flags.timeout()));
        }
        if (flags.priority() != null) {
            body.put("priority", flags.priority());
        }
        if (flags.command() != null && !flags.command().isEmpty()) {
            body.remove("script");
            ArrayNode command = body.putArray("command");
            flags.command().forEach(command::add);
        }
        JsonNode command = body.get("command");
        if (body.hasNonNull("script")) {
            command = null;
        } else if (command == null || !command.isArray() || command.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "no command: holon jobs submit [options] -- PROGRAM [ARGS...]"
                    + " (or --script FILE, or a job file with -f)");
        }
        if (!body.has("resources")) {
            body.putObject("resources").put("cpuMillis", DEFAULT_CPU_MILLIS).put("memoryMiB", DEFAULT_MEMORY_MIB);
        }
        if (!body.has("name") && command != null) {
            body.put("name", Path.of(command.get(0).asText()).getFileName().toString());
        }
        return body;
    }
}
