package dev.holon.worker.chunks;

import java.io.IOException;

/** A replica failed its checksum while being read; whoever was reading it got fewer bytes than announced. */
public final class ChunkCorruptedException extends IOException {

    private final String chunkId;

    public ChunkCorruptedException(String chunkId, String message) {
        super(message);
        this.chunkId = chunkId;
    }

    public String chunkId() {
        return chunkId;
    }
}
