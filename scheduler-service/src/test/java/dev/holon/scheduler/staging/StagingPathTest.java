package dev.holon.scheduler.staging;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StagingPathTest {

    @Test
    void aPathIsInTheCallersTenantUnlessItNamesItFirst() {
        assertThat(StagingPath.qualify("/data/in.csv", "default")).isEqualTo("/default/data/in.csv");
        assertThat(StagingPath.qualify("/default/data/in.csv", "default")).isEqualTo("/default/data/in.csv");
        assertThat(StagingPath.qualify("/results/run-1/", "acme")).isEqualTo("/acme/results/run-1");
        assertThat(StagingPath.qualify("/", "acme")).isEqualTo("/acme");
        // another tenant's name is just a folder of the caller's tenant: nothing can reach another tenant
        assertThat(StagingPath.qualify("/other/x", "acme")).isEqualTo("/acme/other/x");
    }

    @Test
    void escapingAndMalformedPathsAreRefused() {
        for (String bad : List.of("", "x", "/a/../b", "/..", "/./a", "//a", "/a//b", "/a\\b", "/a\u0000b",
                "/" + "n".repeat(256), "/a".repeat(65))) {
            assertThat(StagingPath.problem(bad)).as(bad).isNotNull();
            assertThatThrownBy(() -> StagingPath.qualify(bad, "acme")).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(StagingPath.problem("/a/%2e%2e/b")).isNull(); // not decoded: '%2e%2e' is a literal name
    }

    @Property
    void aQualifiedPathNeverLeavesItsTenant(@ForAll List<@net.jqwik.api.constraints.StringLength(max = 12) String> segments) {
        String path = "/" + String.join("/", segments);
        if (StagingPath.problem(path) != null) {
            return;
        }
        String qualified = StagingPath.qualify(path, "acme");
        assertThat(qualified).satisfiesAnyOf(q -> assertThat(q).isEqualTo("/acme"), q -> assertThat(q).startsWith("/acme/"));
        assertThat(qualified.split("/")).doesNotContain("..", ".");
    }
}
