package dev.holon.worker.staging;

import dev.holon.worker.execution.WorkDirPreparer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Task staging (plain Java): before an attempt starts, its inputs are downloaded into {@code <work dir>/inputs/<file
 * name>} and an empty {@code <work dir>/outputs/} is made, both owned by the attempt's uid; the task gets
 * {@code HOLON_INPUT_DIR} and {@code HOLON_OUTPUT_DIR}. After it succeeded, every regular file under {@code outputs/}
 * (symbolic links and other special files are skipped, never followed) is stored at
 * {@code <outputDir>/task-<index>/<relative path>}. Thread-safe (no state of its own).
 */
public final class TaskStaging {

    public static final String INPUT_DIR_VARIABLE = "HOLON_INPUT_DIR";
    public static final String OUTPUT_DIR_VARIABLE = "HOLON_OUTPUT_DIR";
    public static final String INPUTS = "inputs";
    public static final String OUTPUTS = "outputs";

    private static final Logger log = LoggerFactory.getLogger(TaskStaging.class);

    private final StorageFiles storage;

    public TaskStaging(StorageFiles storage) {
        this.storage = storage;
    }

    /** Fills the working directory with {@code inputs} (tenant-qualified paths, distinct file names). */
    public WorkDirPreparer preparer(String attemptId, List<String> inputs) {
        List<String> files = inputs == null ? List.of() : List.copyOf(inputs);
        return (workDir, uid, gid) -> {
            Path inputDir = workDir.resolve(INPUTS);
            Path outputDir = workDir.resolve(OUTPUTS);
            try {
                Files.createDirectory(inputDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                Files.createDirectory(outputDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (IOException e) {
                throw new WorkDirPreparer.NotPrepared("cannot make the staging folders: " + e);
            }
            for (String input : files) {
                String name = input.substring(input.lastIndexOf('/') + 1);
                if (name.isEmpty() || name.equals(".") || name.equals("..")) {
                    throw new WorkDirPreparer.NotPrepared("input " + input + " is not a file name");
                }
                Path target = inputDir.resolve(name);
                try {
                    storage.download(input, target);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
                } catch (StorageFiles.FileMissing e) {
                    throw new WorkDirPreparer.NotPrepared("input " + input + " not found");
                } catch (IOException e) {
                    throw new WorkDirPreparer.NotPrepared("input " + input + " could not be fetched: " + e.getMessage());
                }
            }
            try {
                chown(inputDir, uid, gid);
                chown(outputDir, uid, gid);
            } catch (IOException e) {
                throw new WorkDirPreparer.NotPrepared("cannot hand the staged files to the task: " + e);
            }
            log.info("attempt {}: {} input(s) staged", attemptId, files.size());
            return Map.of(INPUT_DIR_VARIABLE, inputDir.toString(), OUTPUT_DIR_VARIABLE, outputDir.toString());
        };
    }

    /**
     * Stores the regular files under {@code <workDir>/outputs} at {@code <outputDir>/task-<index>/...}; the reason
     * the attempt fails with when one could not be stored, else empty. Nothing to do without an output folder.
     */
    public Optional<String> storeOutputs(Path workDir, String outputDir, int index) {
        if (outputDir == null) {
            return Optional.empty();
        }
        Path root = workDir.resolve(OUTPUTS);
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile()) { // not following links: a link is not a regular file here
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            return Optional.of("output upload failed: cannot read " + OUTPUTS + "/: " + e.getMessage());
        }
        String prefix = outputDir + "/task-" + index;
        for (Path file : files) {
            List<String> segments = new ArrayList<>();
            root.relativize(file).forEach(segment -> segments.add(segment.toString()));
            String target = prefix + "/" + String.join("/", segments);
            try {
                storage.upload(file, target);
            } catch (IOException | RuntimeException e) {
                return Optional.of("output upload failed: " + e.getMessage());
            }
        }
        if (!files.isEmpty()) {
            log.info("{} output file(s) stored under {}", files.size(), prefix);
        }
        return Optional.empty();
    }

    private static void chown(Path dir, int uid, int gid) throws IOException {
        if (uid < 0) {
            return;
        }
        try (var children = Files.list(dir)) {
            for (Path child : children.toList()) {
                Files.setAttribute(child, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(child, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            }
        }
        Files.setAttribute(dir, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(dir, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }
}
