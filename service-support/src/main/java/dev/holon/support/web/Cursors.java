package dev.holon.support.web;

import dev.holon.support.problem.ProblemException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque list cursors: clients must not build or parse them, so the paging key can change later. */
public final class Cursors {

    private Cursors() {
    }

    public static String encode(String lastId) {
        return lastId == null ? null
                : Base64.getUrlEncoder().withoutPadding().encodeToString(("id:" + lastId).getBytes(StandardCharsets.UTF_8));
    }

    public static String decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (raw.startsWith("id:")) {
                return raw.substring(3);
            }
        } catch (IllegalArgumentException e) {
            // falls through to the problem below
        }
        throw ProblemException.invalid("cursor is not valid: use the nextCursor of the previous page");
    }
}
