package dev.holon.cli.auth;

import dev.holon.cli.CliCommand;
import dev.holon.cli.CliException;
import dev.holon.cli.ExitCodes;
import dev.holon.cli.config.Credentials;
import dev.holon.cli.config.Endpoints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * {@code holon login}: the device authorization grant by default (a URL and a code to approve in any browser),
 * the password grant for scripts ({@code --username u --password-stdin}), or a given bearer token ({@code --token}).
 */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Log in to Holon. Stores the tokens in ~/.holon/cli/credentials.json (mode 0600;"
                + " $HOLON_CLI_HOME moves it) and refreshes them by itself.", "",
                "  holon login                                   # open the printed URL, enter the code",
                "  echo \"$PASS\" | holon login --username demo --password-stdin",
                "  holon login --token \"$PERSONAL_ACCESS_TOKEN\""})
public final class LoginCommand extends CliCommand {

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Use this bearer token (a personal access token); '-' reads it from stdin.")
    String token;

    @Option(names = {"-u", "--username"}, paramLabel = "NAME", description = "Log in with a password (needs --password-stdin).")
    String username;

    @Option(names = "--password-stdin", description = "Read the password from the first line of stdin.")
    boolean passwordStdin;

    @Option(names = "--client-id", paramLabel = "ID", defaultValue = OidcClient.CLIENT_ID, hidden = true)
    String clientId;

    @Override
    protected int execute() throws IOException {
        Endpoints endpoints = endpoints();
        if (token != null) {
            String bearer = token.equals("-") ? readLine("token") : token.strip();
            if (bearer.isEmpty()) {
                throw new CliException(ExitCodes.USAGE, "--token is empty");
            }
            Long expires = Jwt.parse(bearer).flatMap(Jwt::expiresAt).orElse(null);
            save(new Credentials(Credentials.TOKEN, endpoints.gateway(), endpoints.issuer(), null, null, bearer, null,
                    expires, null, null));
            return ExitCodes.OK;
        }
        if (username != null && !passwordStdin) {
            throw new CliException(ExitCodes.USAGE, "--username needs --password-stdin (the password is never an"
                    + " argument: it would stay in the shell history)");
        }
        if (passwordStdin && username == null) {
            throw new CliException(ExitCodes.USAGE, "--password-stdin needs --username");
        }
        OidcClient oidc = new OidcClient(http(), endpoints.issuer(), clientId);
        OidcClient.Endpoints realm = oidc.discover();
        OidcClient.Tokens tokens;
        if (username != null) {
            tokens = oidc.password(realm.tokenEndpoint(), username, readLine("password"));
        } else {
            OidcClient.DeviceAuthorization device = oidc.startDevice(realm.deviceAuthorizationEndpoint());
            ctx.err().println("To log in, open this URL in a browser:");
            ctx.err().println();
            ctx.err().println("  " + style().bold(device.verificationUriComplete() != null
                    ? device.verificationUriComplete() : device.verificationUri()));
            ctx.err().println();
            ctx.err().println("or open " + device.verificationUri() + " and enter the code " + style().bold(device.userCode()));
            ctx.err().printf("Waiting for you to approve (the code expires in %d min)...%n",
                    Math.max(1, device.expiresIn() / 60));
            ctx.err().flush();
            tokens = oidc.pollDevice(realm.tokenEndpoint(), device, OidcClient.Sleeper.REAL);
        }
        save(new Credentials(Credentials.OAUTH, endpoints.gateway(), endpoints.issuer(), realm.tokenEndpoint(), clientId,
                tokens.accessToken(), tokens.refreshToken(), tokens.expiresAt(), tokens.refreshExpiresAt(), null));
        return ExitCodes.OK;
    }

    private void save(Credentials credentials) {
        store().save(credentials);
        String who = Jwt.parse(credentials.accessToken())
                .map(jwt -> jwt.username() + " (roles " + String.join(", ", jwt.roles()) + "; tenant " + jwt.tenant() + ")")
                .orElse("the given token");
        ctx.out().println("Logged in to " + credentials.gateway() + " as " + who + ".");
        ctx.out().flush();
    }

    private String readLine(String what) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(ctx.in(), StandardCharsets.UTF_8));
        String line = reader.readLine();
        if (line == null || line.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "no " + what + " on stdin");
        }
        return line;
    }
}
