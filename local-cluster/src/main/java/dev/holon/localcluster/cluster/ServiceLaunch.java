package dev.holon.localcluster.cluster;

import dev.holon.localcluster.infra.HolonCache;
import dev.holon.localcluster.process.ChildJvm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How a service JVM starts: from its jar extracted once per build under {@code <cache>/services/<module>-<hash>}
 * (Spring Boot's {@code jarmode=tools extract}: plain jars, which the JVM can cache classes from), with JDK 25's
 * ahead-of-time cache when an earlier run of the same build trained it. The first start of a build runs one instance
 * per module in {@code -XX:AOTMode=record}: when it stops, the JVM writes what it loaded, linked and profiled; the next
 * start turns that into the cache ({@code -XX:AOTMode=create}, a few seconds, once) and every later start uses it,
 * which halves a service's start-up CPU on a 2-core machine. A training file cut short (the recording instance was
 * killed) fails the create step and is thrown away, and the next run records again.
 */
final class ServiceLaunch {

    /** The JVM options to add and the jar to run ({@code java <options> -jar <jar>}). */
    record Launch(List<String> jvmOptions, Path jar) {
    }

    static final String RECORD_OPTION = "-XX:AOTMode=record";
    private static final String CACHE_FILE = "app.aot";
    private static final String TRAINING_SUFFIX = ".aotconf";
    /** Builds kept per module; older extracted copies and caches are deleted. */
    private static final int BUILDS_KEPT = 2;
    private static final Map<String, String> HASHES = new ConcurrentHashMap<>();
    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private final Path root;
    private final boolean aotCache;
    private final BiConsumer<String, String> progress;
    /** Modules that have their recording instance in this cluster. */
    private final Set<String> recording = ConcurrentHashMap.newKeySet();

    ServiceLaunch(BiConsumer<String, String> progress) {
        this(HolonCache.root().resolve("services"), Runtime.version().feature() >= 25, progress);
    }

    ServiceLaunch(Path root, boolean aotCache, BiConsumer<String, String> progress) {
        this.root = root;
        this.aotCache = aotCache;
        this.progress = progress;
    }

    /** Extracts {@code jar} when this build is new here and chooses how the instance uses the AOT cache. */
    Launch prepare(String module, Path jar, List<String> jvmOptions) {
        Path dir = buildDirectory(module, jar);
        synchronized (LOCKS.computeIfAbsent(dir, d -> new Object())) {
            Path app = extracted(module, jar, dir);
            touch(dir);
            prune(module, dir);
            if (!aotCache) {
                return new Launch(List.of(), app);
            }
            Path cache = dir.resolve(CACHE_FILE);
            if (!Files.isRegularFile(cache)) {
                createFromTraining(module, app, jvmOptions, cache);
            }
            if (Files.isRegularFile(cache)) {
                return new Launch(List.of("-XX:AOTCache=" + cache), app);
            }
            if (recording.add(module)) {
                Path training = dir.resolve("training-" + UUID.randomUUID() + TRAINING_SUFFIX);
                // what it could not archive is no news to the service's log
                return new Launch(List.of(RECORD_OPTION, "-XX:AOTConfiguration=" + training, "-Xlog:aot=error"), app);
            }
            return new Launch(List.of(), app);
        }
    }

    /** Where this build of {@code module} is extracted, with its AOT cache. */
    Path buildDirectory(String module, Path jar) {
        return root.resolve(module + "-" + hash(jar));
    }

    /** True for an instance that writes its training file as it stops (which takes it a few seconds more). */
    static boolean records(List<String> command) {
        return command.contains(RECORD_OPTION);
    }

    private Path extracted(String module, Path jar, Path dir) {
        Path app = dir.resolve(jar.getFileName());
        if (Files.isRegularFile(app)) {
            return app;
        }
        Path partial = root.resolve("." + dir.getFileName() + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(root);
            run(List.of(ChildJvm.java(), "-Djarmode=tools", "-jar", jar.toString(), "extract",
                    "--destination", partial.toString()), "extract " + jar);
            Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException anotherProcessWon) {
            deleteTree(partial);
        } catch (IOException e) {
            deleteTree(partial);
            throw new UncheckedIOException("cannot extract " + jar + " into " + dir, e);
        }
        return app;
    }

    /** Turns the newest training file of this build into the cache; every training file is gone afterwards. */
    private void createFromTraining(String module, Path app, List<String> jvmOptions, Path cache) {
        List<Path> trainings = files(app.getParent(), TRAINING_SUFFIX);
        if (trainings.isEmpty()) {
            return;
        }
        Path newest = trainings.getLast();
        progress.accept(module, "start-up cache: building it from the last run's training (once per build)");
        Path partial = cache.resolveSibling(CACHE_FILE + "." + UUID.randomUUID() + ".partial");
        List<String> command = new ArrayList<>(List.of(ChildJvm.java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + newest, "-XX:AOTCache=" + partial,
                "-jar", app.toString()));
        try {
            run(command, "create the AOT cache of " + module);
            Files.move(partial, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            progress.accept(module, "start-up cache: not built (" + e.getMessage() + "); it starts without one"
                    + " and trains again");
        } finally {
            deleteQuietly(partial);
            trainings.forEach(ServiceLaunch::deleteQuietly);
        }
    }

    /** Keeps {@code current} and the builds of {@code module} used last, {@link #BUILDS_KEPT} in all. */
    private void prune(String module, Path current) {
        String build = Pattern.quote(module) + "-[0-9a-f]{16}";
        try (Stream<Path> dirs = Files.list(root)) {
            List<Path> builds = dirs.filter(d -> d.getFileName().toString().matches(build))
                    .filter(d -> !d.equals(current))
                    .sorted(Comparator.comparing(ServiceLaunch::lastModified).reversed())
                    .toList();
            builds.stream().skip(BUILDS_KEPT - 1).forEach(ServiceLaunch::deleteTree);
        } catch (IOException e) {
            // pruning is housekeeping: the next start tries again
        }
    }

    private static void run(List<String> command, String what) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output;
        try (InputStream out = process.getInputStream()) {
            output = out.readAllBytes();
        }
        try {
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                String text = new String(output).strip();
                throw new IOException("could not " + what + ": "
                        + text.substring(Math.max(0, text.length() - 500)));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while trying to " + what, e);
        }
    }

    /** The first 16 hex digits of the jar's SHA-256: a rebuilt jar gets a directory of its own. */
    private static String hash(Path jar) {
        String seen = jar.toAbsolutePath() + "@" + lastModified(jar).toMillis();
        return HASHES.computeIfAbsent(seen, key -> {
            try (InputStream in = Files.newInputStream(jar)) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                }
                return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + jar, e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static List<Path> files(Path dir, String suffix) {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + suffix)) {
            stream.forEach(found::add);
        } catch (IOException e) {
            return List.of();
        }
        found.sort(Comparator.comparing(ServiceLaunch::lastModified));
        return found;
    }

    private static FileTime lastModified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static void touch(Path dir) {
        try {
            Files.setLastModifiedTime(dir, FileTime.from(Instant.now()));
        } catch (IOException e) {
            // only pruning reads it
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // left for the next prune
        }
    }

    private static void deleteTree(Path dir) {
        try {
            HolonCache.deleteTree(dir);
        } catch (IOException e) {
            // left for the next prune
        }
    }
}
