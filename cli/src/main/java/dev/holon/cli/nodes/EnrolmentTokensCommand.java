package dev.holon.cli.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holon.cli.CliCommand;
import dev.holon.cli.ExitCodes;
import dev.holon.cli.http.ApiClient;
import dev.holon.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.Map;

/**
 * {@code holon nodes enrolment-tokens ...}: what an operator hands a new machine so it can join (auth-service). A
 * worker started with {@code HOLON_WORKER_ENROLMENT_TOKEN} redeems it once for a Keycloak client of its own.
 */
@Command(name = "enrolment-tokens", mixinStandardHelpOptions = true,
        description = "Tokens that let new machines join the cluster (operator): create, ls, revoke.",
        subcommands = {EnrolmentTokensCommand.Create.class, EnrolmentTokensCommand.Ls.class,
                EnrolmentTokensCommand.Revoke.class})
public final class EnrolmentTokensCommand implements Runnable {

    static final String PATH = "/api/v1/tokens/enrolments";

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Make a token for N new machines; it is shown once.")
    public static final class Create extends CliCommand {
        @Option(names = "--uses", paramLabel = "N", defaultValue = "1", description = "How many machines may join with it (default 1).")
        int uses;

        @Option(names = "--expires-in", paramLabel = "DURATION", description = "ISO-8601, e.g. PT1H or P7D (default 24 hours, at most 30 days).")
        Duration expiresIn;

        @Option(names = "--description", paramLabel = "TEXT", description = "What it is for (shown in ls and the audit log).")
        String description;

        @Override
        protected int execute() {
            ObjectNode body = ApiClient.JSON.createObjectNode().put("uses", uses);
            if (expiresIn != null) {
                body.put("expiresIn", expiresIn.toString());
            }
            if (description != null) {
                body.put("description", description);
            }
            JsonNode created = api().postJson(PATH, body.toString(), Map.of(), "enrolment token");
            printer().print(created, out -> {
                out.println(created.path("token").asText());
                out.println();
                out.println("Enrolment token " + created.path("id").asText() + ": " + created.path("uses").asInt()
                        + " machine(s), until " + created.path("expiresAt").asText() + ". It is shown only now.");
                out.println("Start a worker on the new machine with HOLON_WORKER_ENROLMENT_TOKEN=<token> (and"
                        + " HOLON_AUTH_URL); it joins as a node of its own.");
            });
            return ExitCodes.OK;
        }
    }

    @Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, description = "List enrolment tokens (never their secret).")
    public static final class Ls extends CliCommand {
        @Override
        protected int execute() {
            JsonNode page = api().getJson(PATH + "?limit=500", "the enrolment tokens");
            printer().print(page, out -> {
                Table table = new Table("ID", "STATE", "USED", "EXPIRES", "CREATED BY", "DESCRIPTION");
                page.path("items").forEach(t -> table.row(t.path("id").asText(), style().state(t.path("state").asText()),
                        t.path("used").asInt() + "/" + t.path("uses").asInt(), t.path("expiresAt").asText(),
                        t.path("createdBy").asText(), t.path("description").asText("")));
                table.print(out);
            });
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "No further machine may join with it.")
    public static final class Revoke extends CliCommand {
        @Parameters(paramLabel = "ID", description = "The token's id (holon nodes enrolment-tokens ls).")
        String id;

        @Override
        protected int execute() {
            api().delete(PATH + "/" + NodesCommand.enc(id), "enrolment token " + id);
            printer().print(ApiClient.JSON.createObjectNode().put("id", id).put("state", "revoked"),
                    out -> out.println("enrolment token " + id + " revoked: no further machine can join with it"));
            return ExitCodes.OK;
        }
    }
}
