package dev.holon.scheduler.job;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class JobRequestValidationTest {

    private static final Validator VALIDATOR = Validation.buildDefaultValidatorFactory().getValidator();

    private static JobRequest request(String name, List<String> command, JobRequest.Resources resources, Integer count) {
        return new JobRequest(name, command, null, Map.of(), resources, count, List.of("zone=a"), null, null, null,
                null, null, null, null, null);
    }

    private static JobRequest program(List<String> command, String script) {
        return new JobRequest("a", command, script, null, new JobRequest.Resources(1, 1, 0), 1, null, null, null, null,
                null, null, null, null, null);
    }

    private static JobRequest withAffinities(List<String> constraints, List<JobRequest.Affinity> affinities) {
        return new JobRequest("a", List.of("x"), null, null, new JobRequest.Resources(1, 1, 0), 1, constraints,
                affinities, null, null, null, null, null, null, null);
    }

    private static Map<String, String> messages(JobRequest request) {
        return VALIDATOR.validate(request).stream().collect(java.util.stream.Collectors.toMap(
                v -> v.getPropertyPath().toString(), ConstraintViolation::getMessage));
    }

    private static Set<String> invalidFields(JobRequest request) {
        return VALIDATOR.validate(request).stream().map(ConstraintViolation::getPropertyPath).map(Object::toString)
                .collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void acceptsAMinimalJobAndFillsDefaults() {
        JobRequest ok = request("render-1", List.of("echo", "hi"), new JobRequest.Resources(500, 256, 0), null);
        assertThat(invalidFields(ok)).isEmpty();
        JobRequest filled = ok.withDefaults();
        assertThat(filled.count()).isEqualTo(1);
        assertThat(filled.maxRetries()).isZero();
        assertThat(filled.timeoutSeconds()).isEqualTo(3600L);
        assertThat(filled.strategy()).isEqualTo(dev.holon.scheduler.placement.Strategy.BINPACK);
    }

    @Test
    void gpusMayBeLeftOut() throws Exception {
        JobRequest.Resources resources = tools.jackson.databind.json.JsonMapper.builder().build()
                .readValue("{\"cpuMillis\": 100, \"memoryMiB\": 64}", JobRequest.Resources.class);
        assertThat(resources.gpus()).isZero();
    }

    @Test
    void rejectsNonPositiveResourcesNegativeGpusAndZeroCount() {
        assertThat(invalidFields(request("a", List.of("x"), new JobRequest.Resources(0, -1, -1), 0)))
                .containsExactlyInAnyOrder("resources.cpuMillis", "resources.memoryMiB", "resources.gpus", "count");
    }

    @Test
    void rejectsAnEmptyCommandMissingResourcesAndBadNames() {
        assertThat(invalidFields(request("Bad Name!", List.of(), null, 1)))
                .containsExactlyInAnyOrder("name", "command", "resources");
        assertThat(invalidFields(request("-dash", List.of("x"), new JobRequest.Resources(1, 1, 0), 1))).containsExactly("name");
    }

    @Test
    void inputsAndOutputDirFollowThePathRuleAndNameTheField() {
        JobRequest.Resources r = new JobRequest.Resources(1, 1, 0);
        JobRequest ok = new JobRequest("a", List.of("x"), null, null, r, 1, null, null, null, null, null, null, null,
                List.of("/data/in.csv", "/default/b.csv"), "/results/run-1");
        assertThat(invalidFields(ok)).isEmpty();
        JobRequest bad = new JobRequest("a", List.of("x"), null, null, r, 1, null, null, null, null, null, null, null,
                List.of("/ok.csv", "/../etc/passwd", "relative.csv"), "/out/./x");
        assertThat(invalidFields(bad)).containsExactlyInAnyOrder("inputs[1].<list element>",
                "inputs[2].<list element>", "outputDir");
        JobRequest tooMany = new JobRequest("a", List.of("x"), null, null, r, 1, null, null, null, null, null, null, null,
                java.util.stream.IntStream.range(0, JobRequest.MAX_INPUTS + 1).mapToObj(i -> "/f" + i).toList(), null);
        assertThat(invalidFields(tooMany)).containsExactly("inputs");
    }

    @Test
    void inputsAreQualifiedWithTheCallersTenantAndNeedDistinctFileNames() {
        assertThat(JobService.qualifiedInputs(List.of("/data/in.csv", "/acme/b.csv", "/x/acme"), "acme"))
                .containsExactly("/acme/data/in.csv", "/acme/b.csv", "/acme/x/acme");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobService.qualifiedInputs(List.of("/a/in.csv",
                "/b/in.csv"), "acme")).hasMessageContaining("inputs[1]").hasMessageContaining("inputs[0]");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobService.qualifiedInputs(List.of("/acme"), "acme"))
                .hasMessageContaining("inputs[0] must name a file");
    }

    @Test
    void aScriptTakesThePlaceOfTheCommandAndRunsWithBinSh() {
        JobRequest script = program(null, "echo task $HOLON_TASK_INDEX\nsleep 1\n");
        assertThat(invalidFields(script)).isEmpty();
        assertThat(JobRequest.program(script.command(), script.script()))
                .containsExactly("/bin/sh", "-c", "echo task $HOLON_TASK_INDEX\nsleep 1\n");
        assertThat(JobRequest.program(List.of("echo", "hi"), null)).containsExactly("echo", "hi");
        assertThat(script.withDefaults().command()).isNull();
    }

    @Test
    void bothOrNeitherOfCommandAndScriptIsAFieldErrorSayingWhatToGive() {
        assertThat(messages(program(List.of("echo"), "echo"))).containsOnlyKeys("script")
                .hasEntrySatisfying("script", m -> assertThat(m).contains("together with command"));
        assertThat(messages(program(null, null))).containsOnlyKeys("command")
                .hasEntrySatisfying("command", m -> assertThat(m).contains("or give a script"));
        assertThat(messages(program(List.of(), null))).containsOnlyKeys("command");
        assertThat(messages(program(null, "  \n"))).containsEntry("script", "must not be blank");
        assertThat(messages(program(null, "echo a\0b"))).containsEntry("script", "must not contain a NUL character");
    }

    @Test
    void aScriptIsLimitedInUtf8Bytes() {
        assertThat(invalidFields(program(null, "#".repeat(JobRequest.MAX_SCRIPT_BYTES)))).isEmpty();
        assertThat(messages(program(null, "#".repeat(JobRequest.MAX_SCRIPT_BYTES + 1)))).containsEntry("script",
                "must be at most 65536 bytes (UTF-8), got 65537");
        // 3 bytes each in UTF-8: fewer characters than the limit, more bytes
        assertThat(invalidFields(program(null, "\u20ac".repeat(JobRequest.MAX_SCRIPT_BYTES / 2)))).containsExactly("script");
    }

    @Test
    void affinitiesAndConstraintsAreCheckedPerElementAndNameIt() {
        assertThat(invalidFields(withAffinities(List.of("zone in (a,b)"), List.of(new JobRequest.Affinity("gpu=a100", 50),
                new JobRequest.Affinity("zone!=c", -100))))).isEmpty();
        assertThat(invalidFields(withAffinities(List.of("zone=a", "zone"), List.of(
                new JobRequest.Affinity("gpu==", 50), new JobRequest.Affinity("zone=a", 0),
                new JobRequest.Affinity("zone=b", 101), new JobRequest.Affinity(" ", null)))))
                .containsExactlyInAnyOrder("constraints[1].<list element>", "affinities[0].match",
                        "affinities[1].weight", "affinities[2].weight", "affinities[3].match", "affinities[3].weight");
        assertThat(messages(withAffinities(List.of(), List.of(new JobRequest.Affinity("zone=a", 0)))))
                .containsEntry("affinities[0].weight", "must be between -100 and 100 and not 0");
        assertThat(invalidFields(withAffinities(List.of(), java.util.stream.IntStream.rangeClosed(0, JobRequest.MAX_AFFINITIES)
                .mapToObj(i -> new JobRequest.Affinity("k" + i + "=v", 1)).toList()))).containsExactly("affinities");
    }
}
