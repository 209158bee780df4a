package dev.holon.deploy;

import java.util.List;
import java.util.Map;

/** Null-safe navigation in parsed YAML. */
final class Yamls {

    private Yamls() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node, String... path) {
        Object value = get(node, path);
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node, String... path) {
        Object value = get(node, path);
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }

    static String string(Object node, String... path) {
        Object value = get(node, path);
        return value == null ? null : String.valueOf(value);
    }

    static Object get(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }
}
