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

    /** A reactor module that Jib turns into an image ({@code jib.skip=false} in its pom). */
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

    /** Every module with an image, by name. */
    static Map<String, ImageModule> imageModules() {
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
            images.put(module, new ImageModule(module, Integer.parseInt(port.group(1)),
                    pom.contains("postgresql") || pom.contains("data-jpa") || pom.contains("jdbc"),
                    pom.contains("kafka")));
        }
        return images;
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
