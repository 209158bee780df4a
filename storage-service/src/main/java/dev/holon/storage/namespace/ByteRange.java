package dev.holon.storage.namespace;

import dev.holon.contracts.problem.ProblemType;
import dev.holon.support.problem.ProblemException;

/** One {@code Range: bytes=a-b | a- | -n} header resolved against a size (RFC 9110); several ranges are ignored. */
final class ByteRange {

    private ByteRange() {
    }

    /** {first, last} inclusive, or null to send the whole content; 416 when the range cannot be satisfied. */
    static long[] parse(String header, long size) {
        String value = header.trim();
        if (!value.startsWith("bytes=") || value.contains(",")) {
            return null;
        }
        String spec = value.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            long first;
            long last;
            if (a.isEmpty()) {
                long suffix = Long.parseLong(b);
                if (suffix <= 0) {
                    throw unsatisfiable(size);
                }
                first = Math.max(0, size - suffix);
                last = size - 1;
            } else {
                first = Long.parseLong(a);
                last = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
                if (!b.isEmpty() && Long.parseLong(b) < first) {
                    return null; // syntactically invalid: ignore the header
                }
            }
            if (first >= size || size == 0) {
                throw unsatisfiable(size);
            }
            return new long[] {first, last};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static ProblemException unsatisfiable(long size) {
        return new ProblemException(ProblemType.RANGE_NOT_SATISFIABLE, "the file has " + size + " bytes; ask for a range inside bytes=0-" + (size - 1));
    }
}
