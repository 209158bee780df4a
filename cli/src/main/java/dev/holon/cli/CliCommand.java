package dev.holon.cli;

import dev.holon.cli.config.ConfigFile;
import dev.holon.cli.config.Credentials;
import dev.holon.cli.config.CredentialsStore;
import dev.holon.cli.config.Endpoints;
import dev.holon.cli.http.ApiClient;
import dev.holon.cli.output.Printer;
import dev.holon.cli.output.Style;
import picocli.CommandLine.Mixin;

import java.net.http.HttpClient;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * A leaf command of {@code holon}: the global options, the {@link CliContext}, and one place where a
 * {@link CliException} becomes its message on stderr and its exit code.
 */
public abstract class CliCommand implements Callable<Integer> {

    @Mixin
    protected GlobalOptions global;

    protected CliContext ctx;
    private HttpClient http;
    private ApiClient api;

    void context(CliContext context) {
        this.ctx = context;
    }

    @Override
    public final Integer call() throws Exception {
        try {
            return execute();
        } catch (CliException e) {
            ctx.out().flush();
            ctx.err().println(style().red("error: ") + e.getMessage());
            ctx.err().flush();
            return e.exitCode();
        }
    }

    protected abstract int execute() throws Exception;

    protected Style style() {
        return new Style(ctx.colour() && (global == null || !global.noColor));
    }

    protected Printer printer() {
        return new Printer(global.output, ctx.out(), style());
    }

    protected CredentialsStore store() {
        return new CredentialsStore(ctx.cliHome());
    }

    protected Optional<Credentials> stored() {
        return store().load();
    }

    protected Endpoints endpoints() {
        return Endpoints.resolve(global.gateway, global.issuer, ctx.env(), new ConfigFile(ctx.cliHome()).load(), stored());
    }

    protected HttpClient http() {
        if (http == null) {
            http = ApiClient.newHttpClient();
        }
        return http;
    }

    protected ApiClient api() {
        if (api == null) {
            api = new ApiClient(http(), endpoints().gateway(), store());
        }
        return api;
    }
}
