package dev.holon.localcluster.infra;

import dev.holon.localcluster.process.LogTail;
import dev.holon.localcluster.process.StartupFailedException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The Keycloak server distribution, unpacked once from the Maven-downloaded zip into the user's cache and
 * built once for PostgreSQL ({@code kc.sh build}). Both steps run under a file lock in the cache, so two
 * JVMs (a `holon up` and a test) never unpack or build over each other; a marker file records the build
 * options so a changed option rebuilds.
 *
 * <p>Each running server gets its own small home (its own {@code bin/kc.sh} and {@code data/}, links to
 * the shared {@code lib/}, {@code conf/}, {@code themes/}, {@code providers/}), so two servers never share
 * a data directory, transaction log or import folder.
 */
final class KeycloakDistribution {

    /** Build-time options: PostgreSQL; no health or metrics endpoints (readiness is the realm's discovery document). */
    static final List<String> BUILD_OPTIONS = List.of("--db=postgres", "--health-enabled=false", "--metrics-enabled=false");
    private static final String BUILD_MARKER = ".holon-build";
    private static final ReentrantLock IN_JVM = new ReentrantLock();

    private KeycloakDistribution() {
    }

    static String version() {
        return BuildInfo.get("keycloak.version");
    }

    static Path cacheRoot() {
        return HolonCache.root();
    }

    static Path home() {
        return cacheRoot().resolve("keycloak-" + version());
    }

    /** The zip in the local Maven repository: -Dmaven.repo.local, the repository the build used, ~/.m2. */
    static Path zip() {
        String relative = "org/keycloak/keycloak-quarkus-dist/%1$s/keycloak-quarkus-dist-%1$s.zip".formatted(version());
        List<Path> candidates = new ArrayList<>();
        String property = System.getProperty("maven.repo.local");
        if (property != null && !property.isBlank()) {
            candidates.add(Path.of(property));
        }
        String buildRepository = BuildInfo.get("maven.local.repository");
        if (buildRepository != null && !buildRepository.isBlank() && !buildRepository.contains("@")) {
            candidates.add(Path.of(buildRepository));
        }
        candidates.add(Path.of(System.getProperty("user.home"), ".m2", "repository"));
        for (Path repository : candidates) {
            Path zip = repository.resolve(relative);
            if (Files.isRegularFile(zip)) {
                return zip;
            }
        }
        throw new StartupFailedException("The Keycloak distribution " + relative + " is in none of " + candidates
                + ". Build the project once (./mvnw -B -DskipTests package) so Maven downloads it, or pass"
                + " -Dmaven.repo.local=<repository>.");
    }

    /** Unpacks and builds when needed; returns the built distribution's home. */
    static Path ensureBuilt(Path logFile) {
        Path home = home();
        IN_JVM.lock();
        try {
            Files.createDirectories(cacheRoot());
            try (FileChannel channel = FileChannel.open(cacheRoot().resolve("keycloak-" + version() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                if (!Files.isRegularFile(home.resolve("bin/kc.sh"))) {
                    unpack(zip(), home);
                }
                String wanted = buildSignature();
                Path marker = home.resolve(BUILD_MARKER);
                if (!Files.isRegularFile(marker) || !Files.readString(marker).equals(wanted)) {
                    build(home, logFile);
                    Files.writeString(marker, wanted);
                }
            }
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Keycloak in " + home + ": " + e.getMessage(), e);
        } finally {
            IN_JVM.unlock();
        }
    }

    static boolean isBuilt() {
        try {
            Path marker = home().resolve(BUILD_MARKER);
            return Files.isRegularFile(marker) && Files.readString(marker).equals(buildSignature());
        } catch (IOException e) {
            return false;
        }
    }

    private static String buildSignature() {
        return String.join(" ", BUILD_OPTIONS) + "\njava " + Runtime.version().feature() + "\n";
    }

    private static void unpack(Path zip, Path home) throws IOException {
        Path partial = home.resolveSibling(home.getFileName() + ".partial");
        HolonCache.deleteTree(partial);
        HolonCache.deleteTree(home);
        String prefix = "keycloak-" + version() + "/";
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : file.stream().toList()) {
                String name = entry.getName().startsWith(prefix) ? entry.getName().substring(prefix.length())
                        : entry.getName();
                if (name.isEmpty()) {
                    continue;
                }
                Path target = partial.resolve(name).normalize();
                if (!target.startsWith(partial)) {
                    throw new IOException("unsafe entry in " + zip + ": " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                if (name.startsWith("bin/") && name.endsWith(".sh")) {
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
        Files.move(partial, home, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void build(Path home, Path logFile) throws IOException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "build"));
        command.addAll(BUILD_OPTIONS);
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        Files.writeString(logFile, "%n===== holon: building Keycloak once in %s: %s%n".formatted(home,
                String.join(" ", command)), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(environment());
        Process process = builder.start();
        try {
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new StartupFailedException("kc.sh build did not finish in 5 minutes.\n" + LogTail.excerpt(logFile, 20));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new StartupFailedException("interrupted while building Keycloak", e);
        }
        if (process.exitValue() != 0) {
            throw new StartupFailedException("kc.sh build failed (exit " + process.exitValue() + ").\n"
                    + LogTail.excerpt(logFile, 20));
        }
    }

    /**
     * The environment of every kc.sh run: the JDK that runs us, and a modest JVM (serial GC, C1 only —
     * Keycloak idles on a developer machine; G1 and C2 would double its memory).
     */
    static Map<String, String> environment() {
        return Map.of(
                "JAVA_HOME", System.getProperty("java.home"),
                "JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "JAVA_OPTS", String.join(" ", "-Xms64m", "-Xmx512m", "-Xss512k", "-XX:MetaspaceSize=96M",
                        "-XX:MaxMetaspaceSize=256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-XX:+ExitOnOutOfMemoryError", "-Dfile.encoding=UTF-8", "-Djava.security.egd=file:/dev/urandom"));
    }

    /**
     * A home for one server: its own kc.sh (so {@code kc.home.dir} points here) and data directory, and
     * links to the shared built distribution for the rest.
     */
    static Path prepareInstance(Path distribution, Path instance) throws IOException {
        Files.createDirectories(instance.resolve("bin"));
        Files.createDirectories(instance.resolve("data/import"));
        Path kcSh = instance.resolve("bin/kc.sh");
        Files.copy(distribution.resolve("bin/kc.sh"), kcSh, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(kcSh, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String shared : List.of("lib", "conf", "themes", "providers", "version.txt")) {
            Path link = instance.resolve(shared);
            Path target = distribution.resolve(shared);
            if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(target)) {
                continue;
            }
            if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                HolonCache.deleteTree(link);
            }
            if (Files.exists(target)) {
                Files.createSymbolicLink(link, target);
            }
        }
        return instance;
    }

    /** Values the build wrote into local-cluster-build.properties. */
    static final class BuildInfo {
        private static final Properties PROPERTIES = load();

        private BuildInfo() {
        }

        static String get(String key) {
            return PROPERTIES.getProperty(key);
        }

        private static Properties load() {
            Properties properties = new Properties();
            try (InputStream in = KeycloakDistribution.class.getResourceAsStream("/local-cluster-build.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            properties.putIfAbsent("keycloak.version", "26.4.0");
            return properties;
        }
    }
}
