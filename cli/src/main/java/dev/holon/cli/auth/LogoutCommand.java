package dev.holon.cli.auth;

import dev.holon.cli.CliCommand;
import dev.holon.cli.ExitCodes;
import picocli.CommandLine.Command;

/** {@code holon logout}: forgets the stored tokens (they expire on their own at Keycloak). */
@Command(name = "logout", mixinStandardHelpOptions = true, description = "Forget the stored tokens.")
public final class LogoutCommand extends CliCommand {
    @Override
    protected int execute() {
        boolean removed = store().delete();
        ctx.out().println(removed ? "Logged out (removed " + store().file() + ")." : "Not logged in.");
        return ExitCodes.OK;
    }
}
