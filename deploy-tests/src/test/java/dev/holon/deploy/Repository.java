package dev.holon.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repository as data for the deployment checks: the reactor's modules, which of them become images (Jib on,
 * with their port) and what each one uses (a database, Kafka), read from the poms so that a new service module is
 * picked up without changing the tests.
 */
final class Repository {

    /**
     * A reactor module that Jib turns into an image ({@code jib.skip=false} in its pom); it uses a database or Kafka
     * when its pom has such a dependency outside test scope (spring-kafka, its starter or kafka-clients for Kafka).
     */
    record ImageModule(String name, int port, boolean usesDatabase, boolean usesKafka) {
    }

    static final Path ROOT = locateRoot();

    private Repository() {
    }

    static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> modules() {
        List<String> modules = new ArrayList<>();
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(read(path("pom.xml")));
        while (m.find()) {
            modules.add(m.group(1).trim());
        }
        return modules;
    }

    private static Map<String, ImageModule> images;

    /** Every module with an image, by name (read once). */
    static synchronized Map<String, ImageModule> imageModules() {
        if (images == null) {
            images = java.util.Collections.unmodifiableMap(readImageModules());
        }
        return images;
    }

    private static Map<String, ImageModule> readImageModules() {
        Map<String, ImageModule> images = new LinkedHashMap<>();
        for (String module : modules()) {
            String pom = read(path(module).resolve("pom.xml"));
            if (!pom.matches("(?s).*<jib\\.skip>\\s*false\\s*</jib\\.skip>.*")) {
                continue;
            }
            Matcher port = Pattern.compile("<holon\\.image\\.port>(\\d+)</holon\\.image\\.port>").matcher(pom);
            if (!port.find()) {
                throw new AssertionError(module + "/pom.xml turns Jib on but sets no holon.image.port");
            }
            List<String> uses = mainDependencies(pom);
            images.put(module, new ImageModule(module, Integer.parseInt(port.group(1)),
                    uses.stream().anyMatch(a -> a.contains("postgresql") || a.contains("data-jpa") || a.contains("jdbc")),
                    uses.stream().anyMatch(a -> a.matches("spring-(boot-starter-)?kafka|kafka-clients"))));
        }
        return images;
    }

    /** The artifactIds of a pom's dependencies that the running code has (test scope left out). */
    static List<String> mainDependencies(String pom) {
        List<String> artifacts = new ArrayList<>();
        Matcher dependency = Pattern.compile("(?s)<dependency>(.*?)</dependency>").matcher(pom);
        while (dependency.find()) {
            String body = dependency.group(1);
            Matcher artifact = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(body);
            if (artifact.find() && !body.matches("(?s).*<scope>\\s*test\\s*</scope>.*")) {
                artifacts.add(artifact.group(1).trim());
            }
        }
        return artifacts;
    }

    private static Path locateRoot() {
        String configured = System.getProperty("holon.repository");
        Path start = configured != null && !configured.isBlank() ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("k8s"))
                    && Files.isRegularFile(p.resolve("docker-compose.yml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no Holon repository (pom.xml, k8s/, docker-compose.yml) at or above " + start);
    }
}
