package dev.holon.worker.registration;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether the registry knows this node right now, as the registration loop last saw it. Heartbeats are sent and
 * the node reports healthy only while enrolled. Thread-safe: written by the registration loop, read by anyone.
 */
public class EnrolmentStatus {

    private volatile boolean enrolled;
    private volatile Instant enrolledAt;
    private volatile String lastProblem;
    private volatile long enrolments;

    public boolean isEnrolled() {
        return enrolled;
    }

    public Optional<Instant> enrolledAt() {
        return Optional.ofNullable(enrolledAt);
    }

    /** The last reason enrolment or the registration check failed; empty once it succeeded. */
    public Optional<String> lastProblem() {
        return Optional.ofNullable(lastProblem);
    }

    /** How many times this process enrolled (more than one when the registry forgot the node). */
    public long enrolments() {
        return enrolments;
    }

    synchronized void enrolled(Instant at) {
        enrolledAt = at;
        lastProblem = null;
        enrolments++;
        enrolled = true;
    }

    synchronized void lost(String reason) {
        enrolled = false;
        lastProblem = reason;
    }

    void problem(String reason) {
        lastProblem = reason;
    }
}
