package dev.holon.worker.execution;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Recognises a task that failed because an allocation failed, for the {@code prlimit --as} fallback where no
 * kernel counter exists: the task simply sees malloc/mmap fail and usually exits with an error message. This
 * looks for the common messages (Python, C/C++, coreutils, the JVM, Go, Rust) at the end of stderr. A best-effort
 * guess: a program that fails silently, or crashes on a NULL from malloc, is reported by its exit code instead.
 */
final class AllocationFailure {

    private static final int TAIL_BYTES = 16 * 1024;
    private static final List<String> MESSAGES = List.of(
            "memoryerror",                // Python
            "cannot allocate memory",     // strerror(ENOMEM)
            "memory exhausted",           // coreutils xalloc_die
            "out of memory",              // many; also Go's "fatal error: runtime: out of memory"
            "std::bad_alloc",             // C++
            "java.lang.outofmemoryerror", // JVM
            "memory allocation of",       // Rust: "memory allocation of N bytes failed"
            "failed to reserve memory");

    private AllocationFailure() {
    }

    static boolean reportedIn(Path stderr) {
        try (RandomAccessFile file = new RandomAccessFile(stderr.toFile(), "r")) {
            long length = file.length();
            int size = (int) Math.min(length, TAIL_BYTES);
            byte[] tail = new byte[size];
            file.seek(length - size);
            file.readFully(tail);
            String text = new String(tail, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            return MESSAGES.stream().anyMatch(text::contains);
        } catch (IOException e) {
            return false;
        }
    }
}
