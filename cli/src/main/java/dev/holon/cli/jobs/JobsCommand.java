package dev.holon.cli.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holon.cli.CliCommand;
import dev.holon.cli.Access;
import dev.holon.cli.CliException;
import dev.holon.cli.ExitCodes;
import dev.holon.cli.http.ApiClient;
import dev.holon.cli.output.Style;
import dev.holon.cli.output.Table;
import dev.holon.cli.output.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** {@code holon jobs ...}: run commands across the machines (scheduler-service through the gateway). */
@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = "Jobs: one command split into COUNT tasks that run at once across the machines.",
        subcommands = {JobsCommand.Submit.class, JobsCommand.Ls.class, JobsCommand.Show.class, JobsCommand.Logs.class,
                JobsCommand.Cancel.class, JobsCommand.Wait.class})
public final class JobsCommand implements Runnable {

    /** Tasks followed at once by --follow without --task; bigger arrays follow task 0 only. */
    static final int MAX_FOLLOWED = 16;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Submit a job.", "",
                    "  holon jobs submit --count 12 --cpu 100m --mem 64Mi --wait -- sh -c 'echo task $HOLON_TASK_INDEX'",
                    "  holon jobs submit -f job.yaml --follow       # the REST body's shape, YAML or JSON",
                    "  holon jobs submit --count 4 --script build.sh # a shell script, run with /bin/sh",
                    "",
                    "--wait and --follow exit with the job's end: 0 SUCCEEDED, 1 FAILED or CANCELLED."})
    public static final class Submit extends CliCommand {
        @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "A job in the REST body's shape (YAML or JSON; - reads stdin). Flags override its fields.")
        Path file;
        @Option(names = "--script", paramLabel = "FILE", description = "Run this shell script (with /bin/sh; - reads stdin) instead of a COMMAND.")
        Path script;
        @Option(names = {"-n", "--name"}, paramLabel = "NAME", description = "Default: the program's (or script's) name.")
        String name;
        @Option(names = {"-c", "--count"}, paramLabel = "N", description = "Tasks (default 1).")
        Integer count;
        @Option(names = "--cpu", paramLabel = "CPU", description = "Per task: cores (1, 0.5) or millicores (500m); default 100m.")
        String cpu;
        @Option(names = {"-m", "--mem"}, paramLabel = "MEM", description = "Per task: MiB (256, 256Mi) or GiB (2Gi); default 128Mi.")
        String mem;
        @Option(names = "--gpus", paramLabel = "N", description = "Per task (default none).")
        Integer gpus;
        @Option(names = "--strategy", paramLabel = "S", description = "BINPACK (default) or SPREAD.")
        String strategy;
        @Option(names = "--constraint", paramLabel = "EXPR", description = "zone=a, zone!=b, zone in (a,b) (repeatable).")
        List<String> constraints = new ArrayList<>();
        @Option(names = {"-e", "--env"}, paramLabel = "K=V", description = "Environment of the tasks (repeatable).")
        List<String> env = new ArrayList<>();
        @Option(names = "--retries", paramLabel = "N", description = "Attempts after a failure (default 0).")
        Integer retries;
        @Option(names = "--retry-backoff", paramLabel = "DURATION", description = "First wait before a retry (doubles).")
        String retryBackoff;
        @Option(names = "--timeout", paramLabel = "DURATION", description = "Per task: 90s, 5m, 2h (default 1h).")
        String timeout;
        @Option(names = "--priority", paramLabel = "N")
        Integer priority;
        @Option(names = "--idempotency-key", paramLabel = "KEY", description = "Default: a new random one (a retried"
                + " submit with the same key and body never starts the job twice).")
        String idempotencyKey;
        @Option(names = {"-w", "--wait"}, description = "Wait until the job ends; exit 0 SUCCEEDED, 1 otherwise.")
        boolean await;
        @Option(names = {"-F", "--follow"}, description = "Print the tasks' output live while they run (implies --wait).")
        boolean follow;
        @Option(names = "--task", paramLabel = "N", description = "With --follow: only this task (default: all, up to 16).")
        Integer task;
        @Option(names = {"-q", "--quiet"}, description = "Print only the job id.")
        boolean quiet;
        @Parameters(paramLabel = "COMMAND", description = "The program and its arguments, after --.")
        List<String> command = new ArrayList<>();

        @Override
        protected int execute() {
            ObjectNode body = file != null ? JobSpec.fromFile(file, ctx.in()) : ApiClient.JSON.createObjectNode();
            if (script != null) {
                if (!command.isEmpty()) {
                    throw new CliException(ExitCodes.USAGE, "--script FILE or a COMMAND after --, not both");
                }
                JobSpec.script(body, script, ctx.in());
            }
            JobSpec.apply(body, new JobSpec.Flags(name, count, cpu, mem, gpus, strategy, constraints, env, retries,
                    retryBackoff, timeout, priority, command));
            String key = idempotencyKey != null ? idempotencyKey : UUID.randomUUID().toString();
            JsonNode job = api().postJson("/api/v1/jobs", body.toString(), Map.of("Idempotency-Key", key), "the job");
            String id = job.path("id").asText();
            if (quiet) {
                ctx.out().println(id);
            } else {
                printer().print(job, out -> out.println("job " + id + " submitted: " + job.path("name").asText() + ", "
                        + job.path("count").asInt() + (job.path("count").asInt() == 1 ? " task" : " tasks")));
            }
            ctx.out().flush();
            if (!await && !follow) {
                return ExitCodes.OK;
            }
            return waitAndFollow(this, id, job.path("count").asInt(1), follow, task, null, null, null);
        }
    }

    /** Follows the chosen tasks' logs (if asked), waits for the end, prints the summary; exit code of the job. */
    static int waitAndFollow(CliCommand command, String id, int count, boolean follow, Integer task, String stream,
            Integer tail, Duration timeout) {
        Commands c = new Commands(command);
        if (follow) {
            followLogs(c, id, count, task, stream, tail);
        }
        JsonNode finished = Jobs.awaitFinal(c.api(), id, timeout);
        if (c.printer().table()) {
            c.err().println(Jobs.summary(finished, c.style()));
        }
        return Jobs.exitCode(finished.path("state").asText());
    }

    static void followLogs(Commands c, String id, int count, Integer task, String stream, Integer tail) {
        List<Integer> tasks = new ArrayList<>();
        if (task != null) {
            tasks.add(task);
        } else if (count <= MAX_FOLLOWED) {
            for (int i = 0; i < count; i++) {
                tasks.add(i);
            }
        } else {
            tasks.add(0);
            c.err().println("following task 0 of " + count + " (--task N follows another)");
        }
        PrintStream out = c.out();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> followers = new ArrayList<>();
            for (int t : tasks) {
                String prefix = tasks.size() == 1 ? "" : c.style().blue("[" + t + "] ");
                followers.add(threads.submit(() -> new LogFollower(c.api(), id, t, prefix, out, stream, tail).run()));
            }
            for (Future<?> follower : followers) {
                try {
                    follower.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof CliException cli) {
                        throw cli;
                    }
                    throw new CliException(ExitCodes.FAILED, "following the logs failed: " + e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CliException(ExitCodes.FAILED, "interrupted");
                }
            }
        }
    }

    /** Access to a command's protected helpers from the static helpers above. */
    record Commands(CliCommand command) {
        ApiClient api() {
            return Access.api(command);
        }

        dev.holon.cli.output.Printer printer() {
            return Access.printer(command);
        }

        Style style() {
            return Access.style(command);
        }

        PrintStream out() {
            return Access.out(command);
        }

        PrintStream err() {
            return Access.err(command);
        }
    }

    @Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, description = "List jobs (yours; operators see all).")
    public static final class Ls extends CliCommand {
        @Option(names = "--state", paramLabel = "STATE", description = "PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED.")
        String state;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N jobs (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        protected int execute() {
            ArrayNode items = ApiClient.JSON.createArrayNode();
            String cursor = null;
            do {
                String query = "/api/v1/jobs?limit=" + Math.min(500, limit - items.size())
                        + (state == null ? "" : "&state=" + Jobs.enc(state.toUpperCase(java.util.Locale.ROOT)))
                        + (cursor == null ? "" : "&cursor=" + Jobs.enc(cursor));
                JsonNode page = api().getJson(query, "the jobs");
                page.path("items").forEach(items::add);
                cursor = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
            } while (cursor != null && items.size() < limit);
            ObjectNode result = ApiClient.JSON.createObjectNode();
            result.set("items", items);
            printer().print(result, out -> {
                if (items.isEmpty()) {
                    out.println("No jobs" + (state == null ? " yet: holon jobs submit -- echo hello" : " " + state + "."));
                    return;
                }
                Table table = new Table("ID", "NAME", "STATE", "TASKS", "OWNER", "AGE", "PENDING REASON");
                Instant now = Instant.now();
                for (JsonNode job : items) {
                    table.row(job.path("id").asText(), job.path("name").asText(), style().state(job.path("state").asText()),
                            job.path("count").asInt(), job.path("owner").asText(), Units.age(job.path("createdAt").asText(null), now),
                            job.path("pendingReason").asText(""));
                }
                table.print(out);
            });
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "A job and its tasks (state, node, attempt, exit).")
    public static final class Show extends CliCommand {
        @Parameters(paramLabel = "JOB")
        String id;
        @Option(names = "--attempts", description = "Every attempt of every task, not only the current one.")
        boolean attempts;

        @Override
        protected int execute() {
            JsonNode job = Jobs.get(api(), id);
            printer().print(job, out -> render(job, out));
            return ExitCodes.OK;
        }

        void render(JsonNode job, PrintStream out) {
            Style style = style();
            out.println("job       " + job.path("id").asText() + "  " + job.path("name").asText());
            out.println("state     " + style.state(job.path("state").asText()) + "  (" + Jobs.taskCounts(job, style) + ")");
            if (job.hasNonNull("pendingReason")) {
                out.println("pending   " + job.path("pendingReason").asText());
            }
            if (job.hasNonNull("script")) {
                List<String> lines = job.path("script").asText().strip().lines().toList();
                out.println("script    " + (lines.isEmpty() ? "" : lines.getFirst())
                        + (lines.size() > 1 ? "  (+" + (lines.size() - 1) + " lines)" : ""));
            } else {
                List<String> command = new ArrayList<>();
                job.path("command").forEach(a -> command.add(a.asText()));
                out.println("command   " + String.join(" ", command));
            }
            JsonNode r = job.path("resources");
            out.printf("per task  %s cpu, %s memory%s; %s, retries %d, timeout %ds%n",
                    Units.cores(r.path("cpuMillis").asLong()), Units.mib(r.path("memoryMiB").asLong()),
                    r.path("gpus").asInt() > 0 ? ", " + r.path("gpus").asInt() + " GPUs" : "", job.path("strategy").asText(),
                    job.path("maxRetries").asInt(), job.path("timeoutSeconds").asLong());
            out.println("owner     " + job.path("owner").asText() + " (tenant " + job.path("tenant").asText() + "), created "
                    + job.path("createdAt").asText());
            if (job.path("tasks").size() > 20) {
                out.println("tasks     " + grid(job, style));
            }
            out.println();
            Table table = new Table("TASK", "STATE", "ATTEMPT", "NODE", "EXIT", "STARTED", "TOOK", "REASON");
            for (JsonNode task : job.path("tasks")) {
                if (attempts && task.path("attempts").size() > 0) {
                    for (JsonNode a : task.path("attempts")) {
                        table.row(task.path("index").asInt(), style.state(a.path("state").asText()), a.path("attempt").asInt(),
                                a.path("nodeId").asText(""), a.hasNonNull("exitCode") ? a.path("exitCode").asInt() : "",
                                a.path("startedAt").asText(""), took(a), a.path("reason").asText(""));
                    }
                } else {
                    table.row(task.path("index").asInt(), style.state(task.path("state").asText()), task.path("attempt").asInt(),
                            task.path("nodeId").asText(""), task.hasNonNull("exitCode") ? task.path("exitCode").asInt() : "",
                            task.path("startedAt").asText(""), took(task), task.path("reason").asText(""));
                }
            }
            table.print(out);
        }

        private static String took(JsonNode t) {
            try {
                Instant started = Instant.parse(t.path("startedAt").asText());
                Instant finished = t.hasNonNull("finishedAt") ? Instant.parse(t.path("finishedAt").asText()) : Instant.now();
                return Units.duration(Duration.between(started, finished));
            } catch (RuntimeException e) {
                return "";
            }
        }

        /** One character per task, 50 a row: S succeeded, R running, P pending/scheduled, F failed, L lost, C cancelled. */
        static String grid(JsonNode job, Style style) {
            StringBuilder grid = new StringBuilder();
            int i = 0;
            for (JsonNode task : job.path("tasks")) {
                if (i > 0 && i % 50 == 0) {
                    grid.append(System.lineSeparator()).append("          ");
                }
                String state = task.path("state").asText();
                String letter = switch (state) {
                    case "SCHEDULED" -> "p";
                    case "" -> "?";
                    default -> state.substring(0, 1);
                };
                grid.append(style.state(state).replace(state, letter));
                i++;
            }
            return grid.toString();
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true,
            description = "A task's output (stdout; --stderr for the other). Without --task: every task's, one after the other.")
    public static final class Logs extends CliCommand {
        @Parameters(paramLabel = "JOB")
        String id;
        @Option(names = {"-t", "--task"}, paramLabel = "N")
        Integer task;
        @Option(names = {"-f", "--follow"}, description = "Keep printing while the task runs.")
        boolean follow;
        @Option(names = "--tail", paramLabel = "N", description = "Only the last N lines.")
        Integer tail;
        @Option(names = "--stderr", description = "The standard error instead of the output.")
        boolean stderr;

        @Override
        protected int execute() throws IOException {
            JsonNode job = Jobs.get(api(), id);
            int count = job.path("count").asInt(1);
            String stream = stderr ? "stderr" : null;
            if (follow) {
                followLogs(new Commands(this), id, count, task, stream, tail);
                return ExitCodes.OK;
            }
            List<Integer> tasks = new ArrayList<>();
            if (task != null) {
                tasks.add(task);
            } else {
                for (int i = 0; i < count; i++) {
                    tasks.add(i);
                }
            }
            for (int t : tasks) {
                if (tasks.size() > 1) {
                    ctx.out().println(style().bold("==> task " + t + " <=="));
                }
                String query = "/api/v1/jobs/" + Jobs.enc(id) + "/tasks/" + t + "/logs?"
                        + (stream == null ? "" : "stream=" + stream + "&") + (tail == null ? "" : "tail=" + tail);
                try {
                    HttpResponse<InputStream> response = api().send(b -> b.uri(api().uri(query)).header("Accept", "text/plain")
                            .GET(), ApiClient.STREAM, "the log of task " + t + " of job " + id);
                    try (InputStream body = response.body()) {
                        body.transferTo(ctx.out());
                    }
                    ctx.out().flush();
                } catch (CliException e) {
                    if (tasks.size() == 1 || e.exitCode() != ExitCodes.CONFLICT) {
                        throw e;
                    }
                    ctx.out().println(style().grey("(not started yet)"));
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a job, or one of its tasks.")
    public static final class Cancel extends CliCommand {
        @Parameters(paramLabel = "JOB")
        String id;
        @Option(names = {"-t", "--task"}, paramLabel = "N", description = "Only this task; the others carry on.")
        Integer task;
        @Option(names = {"-w", "--wait"}, description = "Wait until the job has ended.")
        boolean await;

        @Override
        protected int execute() {
            String path = "/api/v1/jobs/" + Jobs.enc(id) + (task == null ? "" : "/tasks/" + task) + "/cancel";
            JsonNode answer = api().postJson(path, null, Map.of(), "job " + id + (task == null ? "" : " task " + task));
            printer().print(answer, out -> out.println("cancel requested: job " + id + (task == null ? "" : " task " + task)));
            if (await) {
                JsonNode finished = Jobs.awaitFinal(api(), id, null);
                if (printer().table()) {
                    ctx.err().println(Jobs.summary(finished, style()));
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "wait", mixinStandardHelpOptions = true,
            description = "Wait until a job ends: exit 0 SUCCEEDED, 1 FAILED or CANCELLED, 7 on --timeout.")
    public static final class Wait extends CliCommand {
        @Parameters(paramLabel = "JOB")
        String id;
        @Option(names = "--timeout", paramLabel = "DURATION", description = "Give up after 90s, 5m, 2h (default: never).")
        String timeout;
        @Option(names = {"-F", "--follow"}, description = "Print the tasks' output live meanwhile.")
        boolean follow;

        @Override
        protected int execute() {
            Duration limit = timeout == null ? null : Duration.ofSeconds(Quantities.seconds("--timeout", timeout));
            if (!follow) {
                JsonNode finished = Jobs.awaitFinal(api(), id, limit);
                printer().print(finished, out -> out.println(Jobs.summary(finished, style())));
                return Jobs.exitCode(finished.path("state").asText());
            }
            JsonNode job = Jobs.get(api(), id);
            return waitAndFollow(this, id, job.path("count").asInt(1), true, null, null, null, limit);
        }
    }
}
