package dev.holon.cli.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.holon.cli.CliException;
import dev.holon.cli.ExitCodes;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * {@code <cli home>/credentials.json}: owner read/write only (0600, directory 0700), replaced atomically so a
 * concurrent reader never sees half a file.
 */
public final class CredentialsStore {

    static final ObjectMapper JSON = JsonMapper.builder().build().enable(SerializationFeature.INDENT_OUTPUT);
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path file;

    public CredentialsStore(Path cliHome) {
        this.file = cliHome.resolve("credentials.json");
    }

    public Path file() {
        return file;
    }

    public Optional<Credentials> load() {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), Credentials.class));
        } catch (IOException e) {
            throw new CliException(ExitCodes.AUTH, "cannot read " + file + " (" + e.getMessage()
                    + "): run holon logout, then holon login");
        }
    }

    public void save(Credentials credentials) {
        try {
            Path dir = file.getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                if (POSIX) {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                }
            }
            Path tmp = POSIX
                    ? Files.createTempFile(dir, ".credentials", ".tmp",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(dir, ".credentials", ".tmp");
            try {
                JSON.writeValue(tmp.toFile(), credentials);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot write " + file + ": " + e.getMessage());
        }
    }

    /** True when there was something to delete. */
    public boolean delete() {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot delete " + file + ": " + e.getMessage());
        }
    }
}
