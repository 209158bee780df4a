package dev.holon.deploy;

import org.yaml.snakeyaml.Yaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which environment variables a service needs in a container: every {@code ${ENV:default}} placeholder of the
 * configuration it reads (config/application.yml and config/&lt;module&gt;.yml through config-service, plus its own
 * application.yml) whose default is missing or only works on a developer machine (localhost, the user's home).
 * Database and Kafka settings count only for modules that use them.
 */
final class ConfigKeys {

    /** Set by every image (the root pom's Jib environment), so no deployment has to. */
    static final Set<String> SET_BY_IMAGE = Set.of("SERVER_PORT", "HOLON_CONFIG_DIR", "HOLON_JVM_FLAGS", "HOLON_HEALTH_PORT");

    /** A placeholder in a property value. */
    record Placeholder(String property, String variable, String defaultValue) {
    }

    private ConfigKeys() {
    }

    /**
     * The variables that must be provided for {@code module}, given the ones that are with their values (a nested
     * default resolves to the provided value, which may itself be a developer-machine address).
     */
    static Set<String> required(Repository.ImageModule module, Map<String, String> provided) {
        Set<String> required = new TreeSet<>();
        for (Placeholder p : placeholders(module)) {
            if (!applies(module, p) || SET_BY_IMAGE.contains(p.variable())) {
                continue;
            }
            if (!usable(p.defaultValue(), provided)) {
                required.add(p.variable());
            }
        }
        return required;
    }

    /** Whether the module reads this setting: database and Kafka settings only count for modules that use them. */
    static boolean applies(Repository.ImageModule module, Placeholder p) {
        return !(p.property().startsWith("spring.datasource.") && !module.usesDatabase()
                || p.property().startsWith("spring.kafka.") && !module.usesKafka());
    }

    static List<Placeholder> placeholders(Repository.ImageModule module) {
        List<Path> files = new ArrayList<>();
        files.add(Repository.path(module.name()).resolve("src/main/resources/application.yml"));
        if (!module.name().equals("config-service")) {
            files.add(Repository.path("config/application.yml"));
            files.add(Repository.path("config/" + module.name() + ".yml"));
        }
        List<Placeholder> placeholders = new ArrayList<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            Map<String, Object> flat = new LinkedHashMap<>();
            flatten("", new Yaml().load(Repository.read(file)), flat);
            flat.forEach((property, value) -> parse(property, String.valueOf(value), placeholders));
        }
        return placeholders;
    }

    /** A default is usable if, resolved, it is not a developer-machine address or path (empty is fine: optional). */
    static boolean usable(String defaultValue, Map<String, String> provided) {
        if (defaultValue == null) {
            return false;
        }
        String resolved = defaultValue;
        for (Placeholder nested : parseAll("", defaultValue)) {
            String value = provided.get(nested.variable());
            if (value == null && !usable(nested.defaultValue(), provided)) {
                return false;
            }
            int start = resolved.indexOf("${" + nested.variable());
            int end = start + ("${" + nested.variable() + (nested.defaultValue() == null ? "" : ":" + nested.defaultValue()) + "}").length();
            resolved = resolved.substring(0, start) + (value != null ? value : nested.defaultValue()) + resolved.substring(end);
        }
        return !(resolved.contains("localhost") || resolved.contains("127.0.0.1") || resolved.contains("user.home"));
    }

    private static void parse(String property, String value, List<Placeholder> into) {
        into.addAll(parseAll(property, value));
    }

    /** Top-level ${NAME:default} placeholders of a value, with nested ones kept in the default. */
    static List<Placeholder> parseAll(String property, String value) {
        List<Placeholder> found = new ArrayList<>();
        int i = 0;
        while ((i = value.indexOf("${", i)) >= 0) {
            int depth = 0;
            int end = -1;
            for (int j = i; j < value.length(); j++) {
                if (value.startsWith("${", j)) {
                    depth++;
                    j++;
                } else if (value.charAt(j) == '}' && --depth == 0) {
                    end = j;
                    break;
                }
            }
            if (end < 0) {
                break;
            }
            String body = value.substring(i + 2, end);
            int colon = body.indexOf(':');
            String name = colon < 0 ? body : body.substring(0, colon);
            // Only environment variables (upper case); ${user.home} and property references are not.
            if (name.matches("[A-Z][A-Z0-9_]*")) {
                found.add(new Placeholder(property, name, colon < 0 ? null : body.substring(colon + 1)));
            }
            i = end + 1;
        }
        return found;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object node, Map<String, Object> into) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> flatten(prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, v, into));
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                flatten(prefix + "[" + i + "]", list.get(i), into);
            }
        } else if (node != null) {
            into.put(prefix, node);
        }
    }
}
