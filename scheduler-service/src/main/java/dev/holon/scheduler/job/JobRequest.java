package dev.holon.scheduler.job;

import dev.holon.scheduler.placement.Strategy;
import dev.holon.scheduler.staging.ValidStagingPath;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a client submits to {@code POST /api/v1/jobs}. Absent optional fields take the defaults of
 * {@link #withDefaults()}: one task, no env, no constraints, BINPACK, no retries (first retry
 * after 1 s, doubling), one hour, priority 0, no inputs, no output folder. {@code inputs} (at most
 * {@value #MAX_INPUTS}) and {@code outputDir} are paths of the caller's tenant ({@link dev.holon.scheduler.staging.StagingPath}).
 * The upper bound of {@code count} is configuration ({@code holon.scheduler.max-tasks-per-job}), checked by the service.
 */
public record JobRequest(
        @NotBlank @Pattern(regexp = "[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?",
                message = "must be 1-63 lower-case letters, digits, '.', '_' or '-', starting and ending with a letter or digit")
        String name,
        @NotEmpty @NamesAProgram @Size(max = 256) List<@NotNull @Size(max = 4096) String> command,
        Map<String, String> env,
        @NotNull @Valid Resources resources,
        @Min(1) Integer count,
        List<@NotBlank String> constraints,
        Strategy strategy,
        @Min(0) @Max(100) Integer maxRetries,
        @Min(0) @Max(3600) Integer retryBackoffSeconds,
        @Min(1) @Max(604_800) Long timeoutSeconds,
        @Min(-1000) @Max(1000) Integer priority,
        @Size(max = MAX_INPUTS) List<@NotNull @ValidStagingPath String> inputs,
        @ValidStagingPath String outputDir) {

    /** Most input files of one job. */
    public static final int MAX_INPUTS = 100;

    /** What each task needs; {@code gpus} may be left out (none). */
    public record Resources(@Positive long cpuMillis, @Positive long memoryMiB, @PositiveOrZero Integer gpus) {
        public Resources {
            gpus = gpus == null ? 0 : gpus;
        }
    }

    public JobRequest withDefaults() {
        return new JobRequest(name, List.copyOf(command), env == null ? Map.of() : new TreeMap<>(env), resources,
                count == null ? 1 : count, constraints == null ? List.of() : List.copyOf(constraints),
                strategy == null ? Strategy.BINPACK : strategy, maxRetries == null ? 0 : maxRetries,
                retryBackoffSeconds == null ? 1 : retryBackoffSeconds,
                timeoutSeconds == null ? 3600L : timeoutSeconds, priority == null ? 0 : priority,
                inputs == null ? List.of() : List.copyOf(inputs), outputDir);
    }
}
