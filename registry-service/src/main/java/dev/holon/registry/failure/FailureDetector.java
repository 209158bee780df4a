package dev.holon.registry.failure;

import dev.holon.contracts.node.NodeState;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides a node's liveness from the silence since its last heartbeat: UP, then SUSPECT after
 * {@code suspectAfter}, then DOWN after {@code downAfter}; any heartbeat makes it UP again.
 * Pure and clock-free (the caller passes "now"), so it is the same on every replica and in tests.
 *
 * <p>{@code watchingSince} covers the detector's own blind spot: after a registry (re)start it has not been
 * listening long enough to call anyone silent, so silence is counted from whichever is later.
 */
public final class FailureDetector {

    private final Duration suspectAfter;
    private final Duration downAfter;

    public FailureDetector(Duration suspectAfter, Duration downAfter) {
        if (suspectAfter.isNegative() || suspectAfter.isZero() || downAfter.compareTo(suspectAfter) <= 0) {
            throw new IllegalArgumentException("need 0 < suspectAfter < downAfter, got " + suspectAfter + " and " + downAfter);
        }
        this.suspectAfter = suspectAfter;
        this.downAfter = downAfter;
    }

    /** The state a node should move to now, or empty when it stays as it is. */
    public Optional<NodeState> onSilence(NodeState current, Instant lastHeartbeat, Instant watchingSince, Instant now) {
        Objects.requireNonNull(current, "current");
        if (current == NodeState.REMOVED) {
            return Optional.empty();
        }
        Instant since = lastHeartbeat == null || lastHeartbeat.isBefore(watchingSince) ? watchingSince : lastHeartbeat;
        Duration silence = Duration.between(since, now);
        NodeState target = silence.compareTo(downAfter) >= 0 ? NodeState.DOWN
                : silence.compareTo(suspectAfter) >= 0 ? NodeState.SUSPECT
                : NodeState.UP;
        // Silence only ever makes things worse; recovery comes from a heartbeat.
        return target.ordinal() > current.ordinal() ? Optional.of(target) : Optional.empty();
    }

    /** A heartbeat arrived: the node is UP, whatever it was, unless it was removed (that is final). */
    public Optional<NodeState> onHeartbeat(NodeState current) {
        return current == NodeState.UP || current == NodeState.REMOVED ? Optional.empty() : Optional.of(NodeState.UP);
    }

    /** The oldest heartbeat that can still leave a node short of SUSPECT; older ones need a look. */
    public Instant suspectCutoff(Instant now) {
        return now.minus(suspectAfter);
    }

    /** A heartbeat sent longer ago than this is history (a replayed backlog), not a sign of life. */
    public boolean isStale(Instant sentAt, Instant now) {
        return sentAt != null && Duration.between(sentAt, now).compareTo(downAfter) > 0;
    }
}
