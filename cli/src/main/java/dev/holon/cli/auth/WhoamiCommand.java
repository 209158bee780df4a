package dev.holon.cli.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holon.cli.CliCommand;
import dev.holon.cli.CliException;
import dev.holon.cli.ExitCodes;
import dev.holon.cli.config.Credentials;
import dev.holon.cli.http.ApiClient;
import dev.holon.cli.output.Units;
import picocli.CommandLine.Command;

import java.time.Duration;
import java.time.Instant;

/** {@code holon whoami}: the user, roles and tenant of the stored token (refreshed first when it is due). */
@Command(name = "whoami", mixinStandardHelpOptions = true,
        description = "Show who you are logged in as: user, roles, tenant, gateway, token expiry.")
public final class WhoamiCommand extends CliCommand {
    @Override
    protected int execute() {
        Credentials credentials = api().credentials();
        Jwt jwt = Jwt.parse(credentials.accessToken()).orElse(null);
        ObjectNode view = ApiClient.JSON.createObjectNode();
        view.put("user", jwt == null ? null : jwt.username());
        view.putPOJO("roles", jwt == null ? java.util.List.of() : jwt.roles());
        String tokenTenant = jwt == null ? Jwt.DEFAULT_TENANT : jwt.tenant();
        view.put("tenant", credentials.tenant() != null ? credentials.tenant() : tokenTenant);
        view.put("tokenTenant", tokenTenant);
        view.put("gateway", credentials.gateway());
        view.put("issuer", credentials.issuer());
        view.put("login", credentials.kind());
        if (credentials.expiresAt() != null) {
            view.put("expiresAt", Instant.ofEpochSecond(credentials.expiresAt()).toString());
        }
        if (jwt == null) {
            throw new CliException(ExitCodes.AUTH, "the stored token is not a JWT: cannot tell who it belongs to");
        }
        printer().print(ApiClient.JSON.valueToTree(view), out -> {
            out.println("user     " + jwt.username());
            out.println("roles    " + String.join(", ", jwt.roles()));
            out.println("tenant   " + view.get("tenant").asText()
                    + (credentials.tenant() != null ? " (chosen with holon tenant use; token: " + tokenTenant + ")" : ""));
            out.println("gateway  " + credentials.gateway());
            out.println("issuer   " + credentials.issuer());
            if (credentials.expiresAt() != null) {
                out.println("expires  in " + Units.duration(Duration.between(Instant.now(),
                        Instant.ofEpochSecond(credentials.expiresAt())))
                        + (credentials.refreshable(Instant.now()) ? " (refreshed by itself)" : ""));
            }
        });
        return ExitCodes.OK;
    }
}
