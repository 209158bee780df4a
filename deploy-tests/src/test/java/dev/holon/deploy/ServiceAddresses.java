package dev.holon.deploy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a service connects to, read from its settings rather than from a hand-written list: every
 * {@code ${ENV:default}} placeholder of the configuration it reads ({@link ConfigKeys#placeholders}; database and
 * Kafka settings only for modules that use them), resolved with the deployment's environment, and the
 * {@code host:port} addresses in the result (URLs, JDBC URLs, bootstrap lists). Addresses of the container itself
 * (localhost) are left out: they are a developer machine's defaults, or the public issuer that only names tokens.
 */
final class ServiceAddresses {

    /** An address a service's setting names: which variable, which host and port. */
    record Target(String variable, String host, int port) {
        @Override
        public String toString() {
            return variable + " -> " + host + ":" + port;
        }
    }

    private static final Pattern ADDRESS = Pattern.compile("(?:^|[\\s,]|https?://|jdbc:postgresql://)([a-z][a-z0-9-]*):(\\d+)");

    private ServiceAddresses() {
    }

    static Set<Target> of(Repository.ImageModule module, Map<String, String> env) {
        Set<Target> targets = new LinkedHashSet<>();
        for (ConfigKeys.Placeholder p : ConfigKeys.placeholders(module)) {
            if (!ConfigKeys.applies(module, p)) {
                continue;
            }
            String value = resolve(p, env);
            if (value == null) {
                continue;
            }
            Matcher m = ADDRESS.matcher(value);
            while (m.find()) {
                String host = m.group(1);
                if (!host.equals("localhost")) {
                    targets.add(new Target(p.variable(), host, Integer.parseInt(m.group(2))));
                }
            }
        }
        return targets;
    }

    /** The value a placeholder takes: the variable when set, else its default with nested placeholders resolved. */
    static String resolve(ConfigKeys.Placeholder p, Map<String, String> env) {
        if (env.containsKey(p.variable())) {
            return env.get(p.variable());
        }
        String value = p.defaultValue();
        if (value == null) {
            return null;
        }
        List<ConfigKeys.Placeholder> nested = new ArrayList<>(ConfigKeys.parseAll(p.property(), value));
        for (ConfigKeys.Placeholder n : nested) {
            String token = "${" + n.variable() + (n.defaultValue() == null ? "" : ":" + n.defaultValue()) + "}";
            String resolved = resolve(n, env);
            value = value.replace(token, resolved == null ? "" : resolved);
        }
        return value;
    }
}
