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
 *
 * <p>When every live node falls silent at once, the heartbeat channel (the broker, or the registry's own database)
 * has failed far more likely than every machine: like Kubernetes' node controller in a full disruption, the detector
 * then suspects but never declares DOWN, so no work is moved off machines that are still running it. With a single
 * live node the two cannot be told apart and silence is judged as usual.
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

    /**
     * True when {@code quiet} (silent past the suspect threshold) is every one of {@code live} nodes (UP or SUSPECT)
     * and there are at least two: the channel is silent, not the nodes.
     */
    public boolean channelSilent(long quiet, long live) {
        return live >= 2 && quiet >= live;
    }

    /** What silence may do while the channel is silent: suspect, never DOWN. */
    public Optional<NodeState> onChannelSilence(NodeState current, Instant lastHeartbeat, Instant watchingSince,
                                                Instant now) {
        return onSilence(current, lastHeartbeat, watchingSince, now)
                .map(next -> next == NodeState.DOWN ? NodeState.SUSPECT : next)
                .filter(next -> next.ordinal() > current.ordinal());
    }

    /** A heartbeat arrived: the node is UP, whatever it was, unless it was removed (that is final). */
    public Optional<NodeState> onHeartbeat(NodeState current) {
        return current == NodeState.UP || current == NodeState.REMOVED ? Optional.empty() : Optional.of(NodeState.UP);
    }

    public Duration suspectAfter() {
        return suspectAfter;
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
