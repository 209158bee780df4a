package dev.holon.cli.auth;

import dev.holon.cli.CliCommand;
import dev.holon.cli.CliException;
import dev.holon.cli.ExitCodes;
import dev.holon.cli.config.Credentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code holon tenant use <t>}: the tenant sent as {@code X-Holon-Tenant} with every call and used for file paths
 * (the services decide from the token's claim until auth-service honours the header).
 */
@Command(name = "tenant", mixinStandardHelpOptions = true, description = "Choose the tenant you work in.",
        subcommands = {TenantCommand.Use.class, TenantCommand.Show.class})
public final class TenantCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "use", mixinStandardHelpOptions = true,
            description = "Send X-Holon-Tenant: TENANT from now on ('-' goes back to the token's tenant).")
    public static final class Use extends CliCommand {
        @Parameters(paramLabel = "TENANT")
        String tenant;

        @Override
        protected int execute() {
            Credentials credentials = stored().orElseThrow(CliException::notLoggedIn);
            if (!tenant.equals("-") && !tenant.matches("[a-z0-9][a-z0-9-]{0,62}")) {
                throw new CliException(ExitCodes.USAGE, "not a tenant name: " + tenant
                        + " (lower-case letters, digits and '-')");
            }
            store().save(credentials.withTenant(tenant.equals("-") ? null : tenant));
            ctx.out().println(tenant.equals("-") ? "Tenant: the token's own." : "Tenant: " + tenant + ".");
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print the tenant in use.")
    public static final class Show extends CliCommand {
        @Override
        protected int execute() {
            Credentials credentials = stored().orElseThrow(CliException::notLoggedIn);
            ctx.out().println(Tenants.current(credentials));
            return ExitCodes.OK;
        }
    }
}
