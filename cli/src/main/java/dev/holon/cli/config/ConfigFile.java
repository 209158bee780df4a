package dev.holon.cli.config;

import dev.holon.cli.CliException;
import dev.holon.cli.ExitCodes;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code <cli home>/config.yaml}: settings a person edits or sets with {@code holon config set}; today
 * {@code gateway} and {@code issuer}. Unknown keys are refused, so a typo does not pass silently.
 */
public final class ConfigFile {

    public static final Set<String> KEYS = Set.of("gateway", "issuer");

    private final Path file;

    public ConfigFile(Path cliHome) {
        this.file = cliHome.resolve("config.yaml");
    }

    public Path file() {
        return file;
    }

    public Map<String, String> load() {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try (Reader reader = Files.newBufferedReader(file)) {
            Object parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            Map<String, String> values = new LinkedHashMap<>();
            if (parsed instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    String key = String.valueOf(e.getKey());
                    if (!KEYS.contains(key)) {
                        throw new CliException(ExitCodes.USAGE, file + ": unknown setting " + key + " (known: " + KEYS + ")");
                    }
                    if (e.getValue() != null) {
                        values.put(key, String.valueOf(e.getValue()));
                    }
                }
            } else if (parsed != null) {
                throw new CliException(ExitCodes.USAGE, file + " is not a map of settings");
            }
            return values;
        } catch (IOException | RuntimeException e) {
            if (e instanceof CliException cli) {
                throw cli;
            }
            throw new CliException(ExitCodes.USAGE, "cannot read " + file + ": " + e.getMessage());
        }
    }

    public void save(Map<String, String> values) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, values.isEmpty() ? "" : new Yaml(options).dump(new LinkedHashMap<>(values)));
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot write " + file + ": " + e.getMessage());
        }
    }
}
