package dev.holon.gateway.tokens;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PatScopesTest {

    @Test
    void readAllowsGetAndHeadAnywhere() {
        assertThat(PatScopes.decide("GET", "/api/v1/nodes", Set.of("read")).allowed()).isTrue();
        assertThat(PatScopes.decide("HEAD", "/api/v1/files/acme/x", Set.of("read")).allowed()).isTrue();
        assertThat(PatScopes.decide("GET", "/api/v1/jobs", Set.of("jobs", "files")).allowed())
                .as("changing is not reading").isFalse();
        assertThat(PatScopes.decide("GET", "/api/v1/jobs", Set.of("jobs")).scope()).isEqualTo("read");
    }

    @Test
    void jobsAllowsChangingJobsOnly() {
        assertThat(PatScopes.decide("POST", "/api/v1/jobs", Set.of("jobs")).allowed()).isTrue();
        assertThat(PatScopes.decide("POST", "/api/v1/jobs/01J/cancel", Set.of("jobs")).allowed()).isTrue();
        assertThat(PatScopes.decide("DELETE", "/api/v1/jobs/01J", Set.of("jobs")).allowed()).isTrue();
        assertThat(PatScopes.decide("PUT", "/api/v1/files/acme/x", Set.of("jobs")).allowed()).isFalse();
        assertThat(PatScopes.decide("POST", "/api/v1/jobsx", Set.of("jobs", "files", "read")).allowed())
                .as("a mere prefix is not the jobs collection").isFalse();
    }

    @Test
    void filesAllowsChangingFilesOnly() {
        assertThat(PatScopes.decide("PUT", "/api/v1/files/acme/a/b", Set.of("files")).allowed()).isTrue();
        assertThat(PatScopes.decide("POST", "/api/v1/files/acme/dir", Set.of("files")).allowed()).isTrue();
        assertThat(PatScopes.decide("PATCH", "/api/v1/files", Set.of("files")).allowed()).isTrue();
        assertThat(PatScopes.decide("POST", "/api/v1/jobs", Set.of("files", "read")).allowed()).isFalse();
    }

    @Test
    void aRefusalNamesTheMissingScope() {
        PatScopes.Decision decision = PatScopes.decide("POST", "/api/v1/jobs", Set.of("read"));

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.scope()).isEqualTo("jobs");
        assertThat(decision.detail()).contains("'jobs'").contains("POST /api/v1/jobs");
        assertThat(PatScopes.decide("PUT", "/api/v1/files/acme/x", Set.of()).detail()).contains("'files'");
    }

    @Test
    void noScopeChangesAnythingElse() {
        PatScopes.Decision decision = PatScopes.decide("POST", "/api/v1/nodes/n1/cordon", Set.of("read", "jobs", "files"));

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.scope()).isNull();
        assertThat(decision.detail()).contains("may not POST /api/v1/nodes/n1/cordon").contains("login");
        assertThat(PatScopes.decide("DELETE", "/api/v1/tokens/t1", Set.of("read", "jobs", "files")).allowed()).isFalse();
    }

    @Test
    void parsesTheSpaceSeparatedScopeClaim() {
        assertThat(PatScopes.parse(" read  jobs\tfiles ")).containsExactlyInAnyOrder("read", "jobs", "files");
        assertThat(PatScopes.parse(null)).isEmpty();
        assertThat(PatScopes.parse("  ")).isEmpty();
    }
}
