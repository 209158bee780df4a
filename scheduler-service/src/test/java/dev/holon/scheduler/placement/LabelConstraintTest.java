package dev.holon.scheduler.placement;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelConstraintTest {

    @Test
    void parsesTheThreeForms() {
        assertThat(LabelConstraint.parse("zone=gpu")).isEqualTo(LabelConstraint.equalTo("zone", "gpu"));
        assertThat(LabelConstraint.parse(" zone != gpu ")).isEqualTo(LabelConstraint.notEqualTo("zone", "gpu"));
        assertThat(LabelConstraint.parse("zone in (a, b,c)")).isEqualTo(LabelConstraint.in("zone", "a", "b", "c"));
        assertThat(LabelConstraint.parse("holon.dev/rack=r1").key()).isEqualTo("holon.dev/rack");
    }

    @Test
    void printsAsItParses() {
        for (String text : new String[] {"zone=gpu", "zone!=gpu", "zone in (a,b)"}) {
            assertThat(LabelConstraint.parse(text)).hasToString(text);
        }
    }

    @Test
    void rejectsMalformedText() {
        for (String text : new String[] {"", "zone", "=a", "zone==a", "zone in ()", "zone in (a,,b)", "zone in a,b", "zone=a=b"}) {
            assertThatThrownBy(() -> LabelConstraint.parse(text)).as(text)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label constraint");
        }
    }

    @Test
    void equalsNeedsTheLabelWithThatValue() {
        LabelConstraint zoneA = LabelConstraint.parse("zone=a");
        assertThat(zoneA.matches(Map.of("zone", "a"))).isTrue();
        assertThat(zoneA.matches(Map.of("zone", "b"))).isFalse();
        assertThat(zoneA.matches(Map.of())).isFalse();
    }

    @Test
    void notEqualsAlsoHoldsWhenTheLabelIsAbsent() {
        LabelConstraint notA = LabelConstraint.parse("zone!=a");
        assertThat(notA.matches(Map.of("zone", "b"))).isTrue();
        assertThat(notA.matches(Map.of())).isTrue();
        assertThat(notA.matches(Map.of("zone", "a"))).isFalse();
    }

    @Test
    void inNeedsOneOfTheValues() {
        LabelConstraint in = LabelConstraint.parse("zone in (a,b)");
        assertThat(in.matches(Map.of("zone", "b"))).isTrue();
        assertThat(in.matches(Map.of("zone", "c"))).isFalse();
        assertThat(in.matches(Map.of())).isFalse();
    }

    @Test
    void describesNodesThatFailIt() {
        assertThat(LabelConstraint.parse("zone=gpu").failureDescription()).isEqualTo("lack label zone=gpu");
        assertThat(LabelConstraint.parse("zone!=gpu").failureDescription()).isEqualTo("have label zone=gpu");
        assertThat(LabelConstraint.parse("zone in (a,b)").failureDescription()).isEqualTo("lack label zone in (a,b)");
    }
}
