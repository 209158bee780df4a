package dev.holon.cli.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holon.cli.CliException;
import dev.holon.cli.ExitCodes;
import dev.holon.cli.http.ApiClient;
import dev.holon.cli.output.Style;
import dev.holon.cli.output.Units;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/** Reading jobs: one job, waiting for its end, and how its state reads as text and as an exit code. */
public final class Jobs {

    public static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    static final Set<String> TASK_FINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

    private Jobs() {
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public static JsonNode get(ApiClient api, String id) {
        return api.getJson("/api/v1/jobs/" + enc(id), "job " + id);
    }

    /** 0 when SUCCEEDED; 1 FAILED or CANCELLED. */
    public static int exitCode(String state) {
        return "SUCCEEDED".equals(state) ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** Polls the job until it is SUCCEEDED, FAILED or CANCELLED; exit 7 after {@code timeout} (null: no limit). */
    public static JsonNode awaitFinal(ApiClient api, String id, Duration timeout) {
        Instant deadline = timeout == null ? null : Instant.now().plus(timeout);
        Duration pause = Duration.ofMillis(250);
        while (true) {
            JsonNode job = get(api, id);
            if (FINAL.contains(job.path("state").asText())) {
                return job;
            }
            if (deadline != null && Instant.now().isAfter(deadline)) {
                throw new CliException(ExitCodes.TIMEOUT, "job " + id + " is still " + job.path("state").asText()
                        + " after " + Units.duration(timeout) + ": holon jobs show " + id);
            }
            sleep(pause);
            pause = pause.compareTo(Duration.ofSeconds(1)) < 0 ? pause.multipliedBy(2) : pause;
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted");
        }
    }

    /** "3 SUCCEEDED, 1 FAILED" over the tasks, in a stable order. */
    public static String taskCounts(JsonNode job, Style style) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String state : new String[] {"PENDING", "SCHEDULED", "RUNNING", "SUCCEEDED", "FAILED", "LOST", "CANCELLED"}) {
            counts.put(state, 0);
        }
        job.path("tasks").forEach(t -> counts.merge(t.path("state").asText(), 1, Integer::sum));
        StringJoiner joiner = new StringJoiner(", ");
        counts.forEach((state, n) -> {
            if (n > 0) {
                joiner.add(n + " " + style.state(state));
            }
        });
        return joiner.toString();
    }

    /** The one-line end of a job: state, counts, time, and the failed tasks' exits. */
    public static String summary(JsonNode job, Style style) {
        StringBuilder line = new StringBuilder("job " + job.path("id").asText() + " " + style.state(job.path("state").asText())
                + ": " + taskCounts(job, style));
        try {
            Instant created = Instant.parse(job.path("createdAt").asText());
            Instant updated = Instant.parse(job.path("updatedAt").asText());
            line.append(" in ").append(Units.duration(Duration.between(created, updated)));
        } catch (RuntimeException ignored) {
            // no times: no duration
        }
        job.path("tasks").forEach(t -> {
            String state = t.path("state").asText();
            if (state.equals("FAILED") || state.equals("LOST")) {
                line.append(System.lineSeparator()).append("  task ").append(t.path("index").asInt()).append(' ')
                        .append(style.state(state));
                if (t.hasNonNull("exitCode")) {
                    line.append(" exit ").append(t.path("exitCode").asInt());
                }
                if (t.hasNonNull("reason")) {
                    line.append(": ").append(t.path("reason").asText());
                }
            }
        });
        return line.toString();
    }
}
