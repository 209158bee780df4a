package dev.holon.worker.chunks;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One byte range of a chunk ({@code Range: bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}), inclusive ends. */
public record ChunkRange(long first, long last) {

    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    public long length() {
        return last - first + 1;
    }

    /** A header that is not a single well-formed byte range. */
    public static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** The range of a chunk of {@code size} bytes; empty when it cannot be satisfied (starts beyond the end). */
    public static Optional<ChunkRange> parse(String header, long size) throws Malformed {
        Matcher m = SINGLE.matcher(header.strip());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            throw new Malformed("Range must be one byte range: bytes=first-last, bytes=first- or bytes=-suffix");
        }
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                return suffix == 0 || size == 0 ? Optional.empty()
                        : Optional.of(new ChunkRange(Math.max(0, size - suffix), size - 1));
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            if (!m.group(2).isEmpty() && Long.parseLong(m.group(2)) < first) {
                throw new Malformed("Range ends before it starts");
            }
            return first >= size ? Optional.empty() : Optional.of(new ChunkRange(first, last));
        } catch (NumberFormatException e) {
            throw new Malformed("Range numbers are too large");
        }
    }
}
