package dev.holon.gateway.ratelimit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitKeyTest {

    @Test
    void aUserKeepsOneAllowanceWhateverAddressTheyComeFrom() {
        assertThat(RateLimitKey.of("user-1", "10.0.0.1")).isEqualTo(RateLimitKey.of("user-1", "10.0.0.2"));
        assertThat(RateLimitKey.of("user-1", "10.0.0.1")).isEqualTo("sub:user-1");
    }

    @Test
    void withoutATokenTheClientAddressIsTheKey() {
        assertThat(RateLimitKey.of(null, "192.0.2.7")).isEqualTo("ip:192.0.2.7");
        assertThat(RateLimitKey.of("  ", "192.0.2.7")).isEqualTo("ip:192.0.2.7");
    }

    @Test
    void aSubjectNeverCollidesWithAnAddress() {
        assertThat(RateLimitKey.of("192.0.2.7", null)).isNotEqualTo(RateLimitKey.of(null, "192.0.2.7"));
    }

    @Test
    void unknownClientsShareOneKey() {
        assertThat(RateLimitKey.of(null, null)).isEqualTo(RateLimitKey.UNKNOWN_CLIENT);
    }
}
