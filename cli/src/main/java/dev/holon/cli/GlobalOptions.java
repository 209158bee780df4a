package dev.holon.cli;

import dev.holon.cli.output.OutputFormat;
import picocli.CommandLine.Option;

/** The options every API command takes (a picocli mixin). */
public final class GlobalOptions {

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default), json or yaml. JSON/YAML print the API's objects as they are.")
    public OutputFormat output = OutputFormat.table;

    @Option(names = "--gateway", paramLabel = "URL",
            description = "The gateway (default: $HOLON_GATEWAY_URL, else where you logged in, else http://localhost:8080).")
    public String gateway;

    @Option(names = "--issuer", paramLabel = "URL", description = "Keycloak's realm (default: $HOLON_ISSUER_URL, else"
            + " where you logged in, else http://localhost:8180/realms/holon).")
    public String issuer;

    @Option(names = "--no-color", description = "No colours (also when NO_COLOR is set or the output is not a terminal).")
    public boolean noColor;
}
