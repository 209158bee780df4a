package dev.holon.storage.namespace;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/** A file or directory as the API shows it; {@code chunks} only when replicas were asked for. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FileView(String path, Entry.Type type, long size, String checksum, long version, int replication,
                       String owner, Instant createdAt, Instant modifiedAt, List<ChunkView> chunks) {

    public record ChunkView(String chunkId, long size, String checksum, List<String> replicas) {
    }

    public static FileView of(Entry e) {
        return of(e, null);
    }

    public static FileView of(Entry e, List<ChunkView> chunks) {
        return new FileView(e.path(), e.type(), e.size(), e.checksum(), e.version(),
                e.isFile() ? e.replication() : 0, e.owner(), e.createdAt(), e.modifiedAt(), chunks);
    }

    /** A tenant's root directory, which always exists. */
    public static FileView root(String tenant) {
        return new FileView("/" + tenant, Entry.Type.DIRECTORY, 0, null, 0, 0, tenant, Instant.EPOCH, Instant.EPOCH, null);
    }
}
