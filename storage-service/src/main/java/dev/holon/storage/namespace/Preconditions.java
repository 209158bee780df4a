package dev.holon.storage.namespace;

import dev.holon.contracts.problem.ProblemType;
import dev.holon.support.problem.ProblemException;

/** {@code If-Match} / {@code If-None-Match} as sent, checked against the entry found (or none). */
public record Preconditions(String ifMatch, String ifNoneMatch) {

    public static final Preconditions NONE = new Preconditions(null, null);

    public boolean any() {
        return ifMatch != null || ifNoneMatch != null;
    }

    /** For changes to an existing entry (move, delete): If-Match must name its version when sent. */
    public void checkExisting(Entry entry) {
        if (ifMatch != null && !matches(entry)) {
            throw ProblemException.preconditionFailed("'" + entry.path() + "' is at version " + entry.etag()
                    + ", not " + ifMatch + "; read it again and retry");
        }
    }

    /** For an upload: create-only, overwrite-that-version, or 428 when an existing file would be overwritten blindly. */
    public void checkWrite(String path, Entry existing) {
        if (ifNoneMatch != null) {
            if (!ifNoneMatch.trim().equals("*")) {
                throw ProblemException.invalid("If-None-Match accepts only '*' (create only)");
            }
            if (existing != null) {
                throw ProblemException.preconditionFailed("'" + path + "' already exists (If-None-Match: *)");
            }
        }
        if (ifMatch != null) {
            if (existing == null) {
                throw ProblemException.preconditionFailed("'" + path + "' does not exist (If-Match: " + ifMatch + ")");
            }
            checkExisting(existing);
        }
        if (existing != null && !any()) {
            throw new ProblemException(ProblemType.PRECONDITION_REQUIRED, "'" + path + "' exists: send If-Match: "
                    + existing.etag() + " to overwrite that version, or If-None-Match: * to create only");
        }
    }

    private boolean matches(Entry entry) {
        for (String tag : ifMatch.split(",")) {
            String t = tag.trim();
            if (t.equals("*") || t.equals(entry.etag()) || t.equals("W/" + entry.etag())) {
                return true;
            }
        }
        return false;
    }
}
