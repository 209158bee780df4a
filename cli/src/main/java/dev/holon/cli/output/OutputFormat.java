package dev.holon.cli.output;

/** {@code -o table|json|yaml}: a table for people, the API's own JSON (or the same as YAML) for scripts. */
public enum OutputFormat {
    table, json, yaml
}
