package dev.holon.worker.chunks;

/** A write this worker refused; nothing of it was stored. The message says why, for the caller. */
public final class ChunkWriteRejected extends Exception {

    public enum Reason { CHECKSUM_MISMATCH, TOO_LARGE, CONFLICT, INCOMPLETE }

    private final Reason reason;

    public ChunkWriteRejected(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
