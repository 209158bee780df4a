package dev.holon.worker.identity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class NodeLabelsTest {

    @Test
    void parsesCommaSeparatedPairsInOrder() {
        NodeLabels labels = NodeLabels.parse("zone=a,rack=r1");

        assertThat(labels.asMap()).containsExactly(entry("zone", "a"), entry("rack", "r1"));
        assertThat(labels).hasToString("zone=a,rack=r1");
    }

    @Test
    void ignoresBlanksAroundEntriesAndEmptyEntries() {
        assertThat(NodeLabels.parse("  zone = a , ,rack=r1,  ").asMap())
                .containsExactly(entry("zone", "a"), entry("rack", "r1"));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", ",", " , , "})
    void readsNothingAsNoLabels(String text) {
        assertThat(NodeLabels.parse(text)).isEqualTo(NodeLabels.NONE);
    }

    @Test
    void acceptsAnEmptyValueAndAPrefixedKey() {
        assertThat(NodeLabels.parse("gpu=,topology.holon.dev/zone=eu-1a").asMap())
                .containsExactly(entry("gpu", ""), entry("topology.holon.dev/zone", "eu-1a"));
    }

    @Test
    void rejectsAnEntryWithoutEqualsNamingIt() {
        assertThatThrownBy(() -> NodeLabels.parse("zone=a,rack"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'rack'")
                .hasMessageContaining("key=value");
    }

    @Test
    void rejectsAnEmptyKey() {
        assertThatThrownBy(() -> NodeLabels.parse("=a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid key ''");
    }

    @Test
    void rejectsCharactersOutsideTheLabelSyntax() {
        assertThatThrownBy(() -> NodeLabels.parse("zone=a b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid value 'a b'");
        assertThatThrownBy(() -> NodeLabels.parse("zo ne=a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid key 'zo ne'");
    }

    @Test
    void rejectsAValueLongerThan63Characters() {
        assertThatThrownBy(() -> NodeLabels.parse("zone=" + "a".repeat(64)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid value");
    }

    @Test
    void rejectsARepeatedKey() {
        assertThatThrownBy(() -> NodeLabels.parse("zone=a,zone=b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'zone' is given twice");
    }

    @Test
    void isImmutable() {
        NodeLabels labels = NodeLabels.parse("zone=a");

        assertThatThrownBy(() -> labels.asMap().put("rack", "r1")).isInstanceOf(UnsupportedOperationException.class);
    }
}
