package dev.holon.gateway.audit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AuditRulesTest {

    @Test
    void everyMutatingRequestThatReachedARouteIsAuditedWhateverItsAnswer() {
        assertThat(AuditRules.of("POST", true, 201)).contains(new AuditRules.Verdict("http.post", "success"));
        assertThat(AuditRules.of("PUT", true, 200)).contains(new AuditRules.Verdict("http.put", "success"));
        assertThat(AuditRules.of("PATCH", true, 409)).contains(new AuditRules.Verdict("http.patch", "failed"));
        assertThat(AuditRules.of("DELETE", true, 403)).contains(new AuditRules.Verdict("http.delete", "denied"));
        assertThat(AuditRules.of("POST", true, 429)).contains(new AuditRules.Verdict("http.post", "denied"));
        assertThat(AuditRules.of("POST", true, 503)).contains(new AuditRules.Verdict("http.post", "failed"));
    }

    @Test
    void readingIsNotAuditedUnlessRefused() {
        assertThat(AuditRules.of("GET", true, 200)).isEmpty();
        assertThat(AuditRules.of("HEAD", true, 404)).isEmpty();
        assertThat(AuditRules.of("GET", true, 401)).contains(new AuditRules.Verdict("auth.token-rejected", "denied"));
        assertThat(AuditRules.of("GET", false, 403)).contains(new AuditRules.Verdict("auth.forbidden", "denied"));
    }

    @Test
    void aRefusalBeforeAnyRouteIsAnAuthFact() {
        assertThat(AuditRules.of("POST", false, 401)).contains(new AuditRules.Verdict("auth.token-rejected", "denied"));
        assertThat(AuditRules.of("DELETE", false, 403)).contains(new AuditRules.Verdict("auth.forbidden", "denied"));
        assertThat(AuditRules.of("POST", false, 404)).as("no route, not refused").isEmpty();
        assertThat(AuditRules.of("POST", false, 400)).isEmpty();
    }
}
