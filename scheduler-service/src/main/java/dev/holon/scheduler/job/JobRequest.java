package dev.holon.scheduler.job;

import dev.holon.scheduler.placement.Strategy;
import dev.holon.scheduler.staging.ValidStagingPath;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a client submits to {@code POST /api/v1/jobs}. The program is either {@code command} (a program and its
 * arguments) or {@code script} (a shell script the worker runs with {@code /bin/sh -c}), never both
 * ({@link OneProgram}). Absent optional fields take the defaults of
 * {@link #withDefaults()}: one task, no env, no constraints or affinities, BINPACK, no retries (first retry
 * after 1 s, doubling), one hour, priority 0, no inputs, no output folder. {@code inputs} (at most
 * {@value #MAX_INPUTS}) and {@code outputDir} are paths of the caller's tenant ({@link dev.holon.scheduler.staging.StagingPath}).
 * The upper bound of {@code count} is configuration ({@code holon.scheduler.max-tasks-per-job}), checked by the service.
 */
@OneProgram
public record JobRequest(
        @NotBlank @Pattern(regexp = "[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?",
                message = "must be 1-63 lower-case letters, digits, '.', '_' or '-', starting and ending with a letter or digit")
        String name,
        @NamesAProgram @Size(max = 256) List<@NotNull @Size(max = 4096) String> command,
        String script,
        Map<String, String> env,
        @NotNull @Valid Resources resources,
        @Min(1) Integer count,
        List<@NotBlank @LabelExpression String> constraints,
        @Size(max = MAX_AFFINITIES) List<@NotNull @Valid Affinity> affinities,
        Strategy strategy,
        @Min(0) @Max(100) Integer maxRetries,
        @Min(0) @Max(3600) Integer retryBackoffSeconds,
        @Min(1) @Max(604_800) Long timeoutSeconds,
        @Min(-1000) @Max(1000) Integer priority,
        @Size(max = MAX_INPUTS) List<@NotNull @ValidStagingPath String> inputs,
        @ValidStagingPath String outputDir) {

    /** Most input files of one job. */
    public static final int MAX_INPUTS = 100;
    /** Longest script in UTF-8 bytes: half the kernel's limit for one argument (128 KiB), small for a Kafka record. */
    public static final int MAX_SCRIPT_BYTES = 65_536;
    /** Most affinities of one job. */
    public static final int MAX_AFFINITIES = 32;
    /** The interpreter of {@code script}: the task runs {@code /bin/sh -c <script>}. */
    public static final List<String> SHELL = List.of("/bin/sh", "-c");

    /** What each task needs; {@code gpus} may be left out (none). */
    public record Resources(@Positive long cpuMillis, @Positive long memoryMiB, @PositiveOrZero Integer gpus) {
        public Resources {
            gpus = gpus == null ? 0 : gpus;
        }
    }

    /**
     * A soft preference for nodes whose labels match {@code match} (a constraint expression: {@code zone=a},
     * {@code zone!=a}, {@code zone in (a,b)}), weighted from -100 (avoid) to 100 (prefer), not 0.
     */
    @ValidAffinity
    public record Affinity(@NotBlank @LabelExpression String match, @NotNull Integer weight) {
    }

    /** What the task executes: the command, or the script run by {@link #SHELL}. */
    public static List<String> program(List<String> command, String script) {
        if (script == null) {
            return command;
        }
        List<String> program = new java.util.ArrayList<>(SHELL);
        program.add(script);
        return List.copyOf(program);
    }

    public JobRequest withDefaults() {
        return new JobRequest(name, command == null ? null : List.copyOf(command), script,
                env == null ? Map.of() : new TreeMap<>(env), resources,
                count == null ? 1 : count, constraints == null ? List.of() : List.copyOf(constraints),
                affinities == null ? List.of() : List.copyOf(affinities),
                strategy == null ? Strategy.BINPACK : strategy, maxRetries == null ? 0 : maxRetries,
                retryBackoffSeconds == null ? 1 : retryBackoffSeconds,
                timeoutSeconds == null ? 3600L : timeoutSeconds, priority == null ? 0 : priority,
                inputs == null ? List.of() : List.copyOf(inputs), outputDir);
    }
}
