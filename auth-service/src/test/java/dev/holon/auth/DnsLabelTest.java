package dev.holon.auth;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class DnsLabelTest {

    @ParameterizedTest
    @ValueSource(strings = {"default", "a", "acme-1", "0day", "x-y-z", "abcdefghijklmnopqrstuvwxyz0123456789-abcdefghijklmnopqrstuvwxyz"})
    void acceptsDnsLabels(String name) {
        assertThat(DnsLabel.problem(name)).isNull();
        assertThat(DnsLabel.isValid(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-a", "a-", "Acme", "a_b", "a.b", "a b", "ä", "a/b", "..", "a\nb",
            "abcdefghijklmnopqrstuvwxyz0123456789-abcdefghijklmnopqrstuvwxyz0"})
    void refusesAnythingElseSayingWhy(String name) {
        assertThat(DnsLabel.problem(name)).isNotBlank();
        assertThat(DnsLabel.isValid(name)).isFalse();
    }

    @org.junit.jupiter.api.Test
    void nullIsNotALabel() {
        assertThat(DnsLabel.problem(null)).contains("empty");
    }
}
