package dev.holon.auth.token;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpaqueTokensTest {

    static final String ID = "0190f3a2-7b1c-7d3e-9f00-123456789abc";

    @Test
    void anIssuedTokenParsesBackAndMatchesItsHashOnly() {
        OpaqueTokens.Issued issued = OpaqueTokens.issue("hol_", ID);

        assertThat(issued.token()).startsWith("hol_" + ID + "_").hasSize(4 + ID.length() + 1 + 64);
        OpaqueTokens.Presented presented = OpaqueTokens.parse("hol_", issued.token()).orElseThrow();
        assertThat(presented.id()).isEqualTo(ID);
        assertThat(OpaqueTokens.matches(presented, issued.hash())).isTrue();
        assertThat(issued.hash()).hasSize(32).isNotEqualTo(presented.secret().getBytes());

        String other = issued.token().substring(0, issued.token().length() - 1)
                + (issued.token().endsWith("a") ? "b" : "a");
        assertThat(OpaqueTokens.matches(OpaqueTokens.parse("hol_", other).orElseThrow(), issued.hash())).isFalse();
        assertThat(OpaqueTokens.matches(presented, null)).isFalse();
    }

    @Test
    void secretsCarry256BitsAndNeverRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String token = OpaqueTokens.issue("hne_", ID).token();
            assertThat(seen.add(token.substring(token.lastIndexOf('_') + 1))).isTrue();
        }
        assertThat(OpaqueTokens.randomSecret()).hasSize(43).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void anythingOfAnotherShapeIsNotAToken() {
        String good = OpaqueTokens.issue("hol_", ID).token();
        assertThat(OpaqueTokens.parse("hne_", good)).isEmpty();
        assertThat(OpaqueTokens.parse("hol_", null)).isEmpty();
        assertThat(OpaqueTokens.parse("hol_", "hol_")).isEmpty();
        assertThat(OpaqueTokens.parse("hol_", "hol__" + "a".repeat(64))).isEmpty();
        assertThat(OpaqueTokens.parse("hol_", "hol_" + ID + "_" + "a".repeat(63))).isEmpty();
        assertThat(OpaqueTokens.parse("hol_", "hol_" + ID + "_" + "A".repeat(64))).isEmpty();
        assertThat(OpaqueTokens.parse("hol_", "hol_" + ID.toUpperCase() + "_" + "a".repeat(64))).isEmpty();
        assertThat(OpaqueTokens.parse("hol_", good + "0")).isEmpty();
        assertThatThrownBy(() -> OpaqueTokens.issue("hol_", "has_underscore")).isInstanceOf(IllegalArgumentException.class);
    }
}
