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
        return new JobRequest(name, command, Map.of(), resources, count, List.of("zone=a"), null, null, null, null, null, null, null);
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
        JobRequest ok = new JobRequest("a", List.of("x"), null, r, 1, null, null, null, null, null, null,
                List.of("/data/in.csv", "/default/b.csv"), "/results/run-1");
        assertThat(invalidFields(ok)).isEmpty();
        JobRequest bad = new JobRequest("a", List.of("x"), null, r, 1, null, null, null, null, null, null,
                List.of("/ok.csv", "/../etc/passwd", "relative.csv"), "/out/./x");
        assertThat(invalidFields(bad)).containsExactlyInAnyOrder("inputs[1].<list element>",
                "inputs[2].<list element>", "outputDir");
        JobRequest tooMany = new JobRequest("a", List.of("x"), null, r, 1, null, null, null, null, null, null,
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
}
