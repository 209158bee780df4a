package dev.holon.cli.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holon.cli.CliCommand;
import dev.holon.cli.ExitCodes;
import dev.holon.cli.output.Units;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/** {@code holon cluster}: the whole cluster as one computer, capacity and use at a glance. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "The cluster as one computer: nodes by state, CPU, memory, GPUs and disk, used and free.")
public final class ClusterCommand extends CliCommand {

    @Override
    protected int execute() {
        JsonNode cluster = api().getJson("/api/v1/cluster", "the cluster");
        printer().print(cluster, out -> render(cluster, out));
        return ExitCodes.OK;
    }

    void render(JsonNode cluster, PrintStream out) {
        List<String> states = new ArrayList<>();
        cluster.path("nodesByState").fields().forEachRemaining(e -> {
            if (e.getValue().asInt() > 0) {
                states.add(e.getValue().asInt() + " " + style().state(e.getKey()));
            }
        });
        out.printf("nodes   %d (%s), %d schedulable%n", cluster.path("nodes").asInt(),
                states.isEmpty() ? "none" : String.join(", ", states), cluster.path("schedulableNodes").asInt());
        JsonNode total = cluster.path("total");
        JsonNode free = cluster.path("free");
        line(out, "cpu", total.path("cpuMillis").asLong(), free.path("cpuMillis").asLong(), m -> Units.cores(m) + " cores");
        line(out, "memory", total.path("memoryMiB").asLong(), free.path("memoryMiB").asLong(), Units::mib);
        line(out, "gpus", total.path("gpus").asLong(), free.path("gpus").asLong(), Long::toString);
        line(out, "disk", total.path("diskMiB").asLong(), free.path("diskMiB").asLong(), Units::mib);
    }

    private void line(PrintStream out, String name, long total, long free, LongFunction<String> unit) {
        long used = Math.max(0, total - free);
        double fraction = total == 0 ? 0 : (double) used / total;
        String bar = Units.bar(fraction, 20);
        String coloured = fraction >= 0.9 ? style().red(bar) : fraction >= 0.7 ? style().yellow(bar) : style().green(bar);
        out.printf("%-7s %s %3d%% used  %s of %s free%n", name, coloured, Math.round(fraction * 100), unit.apply(free),
                unit.apply(total));
    }
}
