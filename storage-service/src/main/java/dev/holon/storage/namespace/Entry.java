package dev.holon.storage.namespace;

import java.time.Instant;

/** One row of the namespace: a directory or a file (with its committed content). */
public record Entry(String id, String tenant, String path, String parent, String name, Type type, long size,
                    String checksum, long version, int replication, String owner, String contentId,
                    Instant createdAt, Instant modifiedAt) {

    public enum Type { FILE, DIRECTORY }

    public boolean isFile() {
        return type == Type.FILE;
    }

    public String etag() {
        return "\"" + version + "\"";
    }
}
