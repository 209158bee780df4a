package dev.holon.auth;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class AuthPropertiesTest {

    static AuthProperties withRealm(String realmUrl, String nodeTokenUrl) {
        return new AuthProperties(realmUrl, "holon-service", "secret", nodeTokenUrl, Duration.ofSeconds(5),
                Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofDays(30), Duration.ofDays(365), 100,
                Duration.ofMinutes(5), Duration.ofHours(24), Duration.ofDays(30), Duration.ofDays(365));
    }

    @Test
    void theAdminApiAndTokenEndpointFollowFromTheRealm() {
        AuthProperties properties = withRealm("http://keycloak:8180/realms/holon/", "");

        assertThat(properties.realmUrl()).isEqualTo("http://keycloak:8180/realms/holon");
        assertThat(properties.adminUrl()).isEqualTo("http://keycloak:8180/admin/realms/holon");
        assertThat(properties.tokenUrl()).isEqualTo("http://keycloak:8180/realms/holon/protocol/openid-connect/token");
        assertThat(properties.effectiveNodeTokenUrl()).isEqualTo(properties.tokenUrl());
        assertThat(properties.isRealmUrlValid()).isTrue();
    }

    @Test
    void aKeycloakUnderAPathAndAnOwnNodeTokenUrlWork() {
        AuthProperties properties = withRealm("https://sso.example/auth/realms/holon", "https://public.example/token");

        assertThat(properties.adminUrl()).isEqualTo("https://sso.example/auth/admin/realms/holon");
        assertThat(properties.effectiveNodeTokenUrl()).isEqualTo("https://public.example/token");
    }

    @Test
    void badSettingsAreRefused() {
        assertThat(withRealm("http://keycloak:8180", "").isRealmUrlValid()).isFalse();
        AuthProperties tooLong = new AuthProperties("http://k/realms/holon", "c", "s", "", Duration.ofSeconds(5),
                Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofDays(30), Duration.ofDays(365), 100,
                Duration.ofMinutes(6), Duration.ofHours(24), Duration.ofDays(30), Duration.ofDays(365));
        assertThat(tooLong.isExchangedTokenLifetimeValid()).isFalse();
        AuthProperties defaultAboveMax = new AuthProperties("http://k/realms/holon", "c", "s", "", Duration.ofSeconds(5),
                Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofDays(400), Duration.ofDays(365), 100,
                Duration.ofMinutes(5), Duration.ofHours(24), Duration.ofDays(30), Duration.ofDays(365));
        assertThat(defaultAboveMax.isLifetimesValid()).isFalse();
    }
}
