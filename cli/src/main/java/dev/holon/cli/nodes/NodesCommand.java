package dev.holon.cli.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holon.cli.CliCommand;
import dev.holon.cli.CliException;
import dev.holon.cli.ExitCodes;
import dev.holon.cli.http.ApiClient;
import dev.holon.cli.output.Style;
import dev.holon.cli.output.Table;
import dev.holon.cli.output.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code holon nodes ...}: the machines of the cluster (registry-service through the gateway). */
@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = "The machines: list, show, cordon, drain, label, remove; enrolment tokens for new ones.",
        subcommands = {NodesCommand.Ls.class, NodesCommand.Show.class, NodesCommand.Cordon.class,
                NodesCommand.Uncordon.class, NodesCommand.Drain.class, NodesCommand.Label.class,
                NodesCommand.Remove.class, EnrolmentTokensCommand.class})
public final class NodesCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Every node (all pages), filtered as the API filters. */
    static ArrayNode list(ApiClient api, String state, List<String> labels) {
        ArrayNode all = ApiClient.JSON.createArrayNode();
        String cursor = null;
        do {
            StringBuilder query = new StringBuilder("/api/v1/nodes?limit=500");
            if (state != null) {
                query.append("&state=").append(enc(state.toUpperCase(java.util.Locale.ROOT)));
            }
            for (String label : labels) {
                query.append("&label=").append(enc(label));
            }
            if (cursor != null) {
                query.append("&cursor=").append(enc(cursor));
            }
            JsonNode page = api.getJson(query.toString(), "the nodes");
            page.path("items").forEach(all::add);
            cursor = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
        } while (cursor != null);
        return all;
    }

    static String scheduling(JsonNode node) {
        if (node.path("draining").asBoolean()) {
            return "draining";
        }
        return node.path("cordoned").asBoolean() ? "cordoned" : "ready";
    }

    static String labels(JsonNode node) {
        List<String> labels = new ArrayList<>();
        node.path("labels").fields().forEachRemaining(e -> labels.add(e.getKey() + "=" + e.getValue().asText()));
        return String.join(",", labels);
    }

    static void nodeTable(ArrayNode nodes, Style style, PrintStream out) {
        Table table = new Table("ID", "HOST", "STATE", "SCHEDULING", "CPU", "MEMORY", "GPUS", "LOAD", "MEM USED",
                "HEARTBEAT", "LABELS");
        Instant now = Instant.now();
        for (JsonNode node : nodes) {
            JsonNode alloc = node.path("allocatable");
            long memory = alloc.path("memoryMiB").asLong();
            long capacityMemory = node.path("capacity").path("memoryMiB").asLong(memory);
            long available = node.path("usage").path("memoryAvailableMiB").asLong(-1);
            String memUsed = available < 0 || capacityMemory == 0 ? "" : Math.round(100.0 * (capacityMemory - available)
                    / capacityMemory) + "%";
            double load = node.path("usage").path("cpuLoad").asDouble(Double.NaN);
            String scheduling = scheduling(node);
            table.row(node.path("id").asText(), node.path("hostname").asText(), style.state(node.path("state").asText()),
                    scheduling.equals("ready") ? scheduling : style.yellow(scheduling),
                    Units.cores(alloc.path("cpuMillis").asLong()), Units.mib(memory), alloc.path("gpus").asInt(),
                    Double.isNaN(load) ? "" : Math.round(load * 100) + "%", memUsed,
                    Units.age(node.path("lastHeartbeatAt").asText(null), now), labels(node));
        }
        table.print(out);
    }

    @Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, description = "List the nodes.")
    public static final class Ls extends CliCommand {
        @Option(names = "--state", paramLabel = "STATE", description = "Only UP, SUSPECT, DOWN or REMOVED nodes (removed ones are listed only so).")
        String state;

        @Option(names = {"-l", "--label"}, paramLabel = "K=V", description = "Only nodes with this label (repeatable).")
        List<String> labels = new ArrayList<>();

        @Override
        protected int execute() {
            ArrayNode nodes = list(api(), state, labels);
            ObjectNode result = ApiClient.JSON.createObjectNode();
            result.set("items", nodes);
            printer().print(result, out -> {
                if (nodes.isEmpty()) {
                    out.println("No nodes" + (state != null || !labels.isEmpty() ? " match." : " have enrolled yet."));
                } else {
                    nodeTable(nodes, style(), out);
                }
            });
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One node in detail.")
    public static final class Show extends CliCommand {
        @Parameters(paramLabel = "NODE", description = "Node id (or a unique prefix of it).")
        String id;

        @Override
        protected int execute() {
            JsonNode node = api().getJson("/api/v1/nodes/" + enc(resolve(api(), id)), "node " + id);
            printer().print(node, out -> {
                Style style = style();
                JsonNode cap = node.path("capacity");
                JsonNode alloc = node.path("allocatable");
                JsonNode usage = node.path("usage");
                out.println("id           " + node.path("id").asText());
                out.println("host         " + node.path("hostname").asText());
                out.println("state        " + style.state(node.path("state").asText()) + ", " + scheduling(node));
                out.println("labels       " + labels(node));
                out.printf("cpu          %s cores (%s allocatable), load %.0f%%, load average %.2f%n",
                        Units.cores(cap.path("cpuMillis").asLong()), Units.cores(alloc.path("cpuMillis").asLong()),
                        usage.path("cpuLoad").asDouble() * 100, usage.path("loadAverage1m").asDouble());
                out.printf("memory       %s (%s allocatable), %s available%n", Units.mib(cap.path("memoryMiB").asLong()),
                        Units.mib(alloc.path("memoryMiB").asLong()), Units.mib(usage.path("memoryAvailableMiB").asLong()));
                out.printf("disk         %s, %s free%n", Units.mib(cap.path("diskMiB").asLong()),
                        Units.mib(usage.path("diskFreeMiB").asLong()));
                out.println("gpus         " + cap.path("gpus").asInt());
                node.path("gpus").forEach(gpu -> out.println("             " + gpu.toString()));
                out.println("heartbeat    " + Units.age(node.path("lastHeartbeatAt").asText(null), Instant.now()) + " ago");
                out.println("joined       " + node.path("joinedAt").asText());
                out.println("agent        " + node.path("agentVersion").asText() + " at " + node.path("apiUrl").asText());
                out.println("version      " + node.path("version").asText());
            });
            return ExitCodes.OK;
        }
    }

    /** A full id, or the one node whose id starts with {@code prefix}. */
    static String resolve(ApiClient api, String prefix) {
        if (prefix.length() >= 32) {
            return prefix;
        }
        List<String> matches = new ArrayList<>();
        list(api, null, List.of()).forEach(n -> {
            if (n.path("id").asText().startsWith(prefix) || n.path("hostname").asText().equals(prefix)) {
                matches.add(n.path("id").asText());
            }
        });
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            throw new CliException(ExitCodes.NOT_FOUND, "not found: no node " + prefix + " (holon nodes ls lists them)");
        }
        throw new CliException(ExitCodes.USAGE, prefix + " is ambiguous: " + String.join(", ", matches));
    }

    abstract static class Action extends CliCommand {
        @Parameters(paramLabel = "NODE", description = "Node id (or a unique prefix of it).")
        String id;

        abstract String action();

        abstract String done();

        @Override
        protected int execute() {
            String nodeId = resolve(api(), id);
            JsonNode node = api().postJson("/api/v1/nodes/" + enc(nodeId) + "/" + action(), null, Map.of(), "node " + id);
            printer().print(node, out -> out.println("node " + nodeId + " " + done()));
            return ExitCodes.OK;
        }
    }

    @Command(name = "cordon", mixinStandardHelpOptions = true, description = "Stop placing new work on a node (operator).")
    public static final class Cordon extends Action {
        String action() {
            return "cordon";
        }

        String done() {
            return "cordoned: no new work is placed there";
        }
    }

    @Command(name = "uncordon", mixinStandardHelpOptions = true, description = "Place work on a node again (operator).")
    public static final class Uncordon extends Action {
        String action() {
            return "uncordon";
        }

        String done() {
            return "uncordoned: work is placed there again";
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = "Cordon a node and move its work elsewhere (operator).")
    public static final class Drain extends Action {
        String action() {
            return "drain";
        }

        String done() {
            return "draining: its tasks restart elsewhere (holon nodes show " + id + ")";
        }
    }

    @Command(name = "label", mixinStandardHelpOptions = true,
            description = {"Set (k=v) or remove (k-) labels of a node (operator). Sends If-Match with the node's ETag,",
                    "so a concurrent change is refused (exit 6) instead of overwritten."})
    public static final class Label extends CliCommand {
        @Parameters(index = "0", paramLabel = "NODE", description = "Node id (or a unique prefix of it).")
        String id;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "LABEL", description = "k=v sets, k- removes.")
        List<String> changes;

        @Override
        protected int execute() {
            ObjectNode labels = labelPatch(changes);
            String nodeId = resolve(api(), id);
            String path = "/api/v1/nodes/" + enc(nodeId);
            HttpResponse<String> current = api().send(b -> b.uri(api().uri(path)).timeout(ApiClient.CALL_TIMEOUT).GET(),
                    ApiClient.STRING, "node " + id);
            String etag = current.headers().firstValue("ETag").orElse(null);
            ObjectNode body = ApiClient.JSON.createObjectNode();
            body.set("labels", labels);
            HttpResponse<String> patched = api().send(b -> {
                b.uri(api().uri(path)).timeout(ApiClient.CALL_TIMEOUT)
                        .header("Content-Type", "application/merge-patch+json").header("Accept", "application/json")
                        .method("PATCH", HttpRequest.BodyPublishers.ofString(body.toString()));
                if (etag != null) {
                    b.header("If-Match", etag);
                }
                return b;
            }, ApiClient.STRING, "node " + id);
            JsonNode node = ApiClient.json(patched);
            printer().print(node, out -> out.println("node " + nodeId + " labels: " + labels(node)));
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"Remove a node for good (operator): its work and data move elsewhere, its credentials are",
                    "deleted and it can never rejoin under this id. Drain it first to move its work gracefully."})
    public static final class Remove extends CliCommand {
        @Parameters(paramLabel = "NODE", description = "Node id (or a unique prefix of it).")
        String id;

        @Option(names = "--yes", description = "Do not ask for confirmation.")
        boolean yes;

        @Override
        protected int execute() {
            String nodeId = resolve(api(), id);
            if (!yes) {
                throw new CliException(ExitCodes.USAGE, "removing node " + nodeId + " cannot be undone: run again with"
                        + " --yes (holon nodes drain " + id + " first moves its work gracefully)");
            }
            api().delete("/api/v1/nodes/" + enc(nodeId), "node " + id);
            printer().print(ApiClient.JSON.createObjectNode().put("id", nodeId).put("state", "REMOVED"), out ->
                    out.println("node " + nodeId + " removed: its work and chunks move elsewhere; it cannot rejoin"));
            return ExitCodes.OK;
        }
    }

    /** {@code k=v} sets, {@code k-} removes (null in a JSON merge patch). */
    public static ObjectNode labelPatch(List<String> changes) {
        ObjectNode labels = ApiClient.JSON.createObjectNode();
        for (String change : changes) {
            int eq = change.indexOf('=');
            if (eq > 0) {
                labels.put(change.substring(0, eq), change.substring(eq + 1));
            } else if (change.endsWith("-") && change.length() > 1) {
                labels.putNull(change.substring(0, change.length() - 1));
            } else {
                throw new CliException(ExitCodes.USAGE, "not a label change: " + change + " (k=v sets, k- removes)");
            }
        }
        return labels;
    }
}
