package dev.holon.registry.failure;

import dev.holon.contracts.node.NodeState;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FailureDetectorTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private final FailureDetector detector = new FailureDetector(Duration.ofSeconds(2), Duration.ofSeconds(5));

    @Test
    void upNodeStaysUpWhileHeartbeatsAreRecent() {
        assertThat(detector.onSilence(NodeState.UP, T0, T0, T0.plusMillis(1999))).isEmpty();
    }

    @Test
    void becomesSuspectAfterTwoSecondsOfSilenceAndDownAfterFive() {
        assertThat(detector.onSilence(NodeState.UP, T0, T0, T0.plusSeconds(2))).contains(NodeState.SUSPECT);
        assertThat(detector.onSilence(NodeState.SUSPECT, T0, T0, T0.plusMillis(4999))).isEmpty();
        assertThat(detector.onSilence(NodeState.SUSPECT, T0, T0, T0.plusSeconds(5))).contains(NodeState.DOWN);
    }

    @Test
    void aLateSweepGoesStraightFromUpToDown() {
        assertThat(detector.onSilence(NodeState.UP, T0, T0, T0.plusSeconds(30))).contains(NodeState.DOWN);
    }

    @Test
    void downStaysDownUntilAHeartbeatArrives() {
        assertThat(detector.onSilence(NodeState.DOWN, T0, T0, T0.plusSeconds(60))).isEmpty();
        assertThat(detector.onHeartbeat(NodeState.DOWN)).contains(NodeState.UP);
        assertThat(detector.onHeartbeat(NodeState.SUSPECT)).contains(NodeState.UP);
        assertThat(detector.onHeartbeat(NodeState.UP)).isEmpty();
    }

    @Test
    void removedIsFinalNeitherSilenceNorAHeartbeatMovesIt() {
        assertThat(detector.onSilence(NodeState.REMOVED, T0, T0, T0.plusSeconds(60))).isEmpty();
        assertThat(detector.onHeartbeat(NodeState.REMOVED)).isEmpty();
    }

    @Test
    void aFreshlyStartedRegistryGivesEveryNodeAFullWindowBeforeJudging() {
        Instant restartedAt = T0.plusSeconds(600);
        assertThat(detector.onSilence(NodeState.UP, T0, restartedAt, restartedAt.plusSeconds(1))).isEmpty();
        assertThat(detector.onSilence(NodeState.UP, T0, restartedAt, restartedAt.plusSeconds(5))).contains(NodeState.DOWN);
    }

    @Test
    void replayedHeartbeatsOlderThanTheDownWindowAreStale() {
        assertThat(detector.isStale(T0, T0.plusSeconds(6))).isTrue();
        assertThat(detector.isStale(T0, T0.plusSeconds(1))).isFalse();
    }

    @Test
    void rejectsThresholdsInTheWrongOrder() {
        assertThatThrownBy(() -> new FailureDetector(Duration.ofSeconds(5), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void silenceNeverImprovesAState(@ForAll NodeState current, @ForAll @LongRange(min = 0, max = 100_000) long silenceMillis) {
        Optional<NodeState> next = detector.onSilence(current, T0, T0, T0.plusMillis(silenceMillis));
        next.ifPresent(state -> assertThat(state.ordinal()).isGreaterThan(current.ordinal()));
    }

    @Property
    void stateFollowsSilenceThresholdsExactly(@ForAll @LongRange(min = 0, max = 100_000) long silenceMillis) {
        NodeState expected = silenceMillis >= 5000 ? NodeState.DOWN : silenceMillis >= 2000 ? NodeState.SUSPECT : NodeState.UP;
        NodeState actual = detector.onSilence(NodeState.UP, T0, T0, T0.plusMillis(silenceMillis)).orElse(NodeState.UP);
        assertThat(actual).isEqualTo(expected);
    }
}
