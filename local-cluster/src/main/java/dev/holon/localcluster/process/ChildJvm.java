package dev.holon.localcluster.process;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * How to start another JVM with this module's classes (the PostgreSQL and Kafka hosts): the java that
 * runs us, and a classpath that works whether we run from {@code target/local-cluster.jar} + {@code lib/},
 * from {@code target/classes} in a reactor build, or from a test JVM of another module.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /** The java executable of the running JVM: every process of the cluster uses the same JDK. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static String classpath() {
        Path location = codeLocation();
        if (location != null) {
            Path target = location.getParent();
            Path lib = target == null ? null : target.resolve("lib");
            if (lib != null && Files.isDirectory(lib)) {
                return location + File.pathSeparator + lib + File.separator + "*";
            }
        }
        return expandedJavaClassPath();
    }

    /** The jar or classes directory this class was loaded from. */
    static Path codeLocation() {
        try {
            var source = ChildJvm.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** java.class.path, with Surefire's manifest-only booter jar replaced by what it points at. */
    static String expandedJavaClassPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar") && new File(entry).getName().startsWith("surefirebooter")) {
                entries.addAll(manifestClassPath(Path.of(entry)));
            } else {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static List<String> manifestClassPath(Path jar) {
        List<String> entries = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath != null) {
                for (String url : classPath.trim().split("\\s+")) {
                    URI uri = jar.toUri().resolve(url);
                    entries.add(Path.of(uri).toString());
                }
            }
        } catch (IOException | RuntimeException e) {
            entries.add(jar.toString());
        }
        return entries;
    }
}
