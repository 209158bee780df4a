package dev.holon.localcluster.cluster;

import dev.holon.localcluster.process.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The start-up cache's life on a small real program (the service jars are built after this module): the first start
 * records, the stop writes the training, the next start builds the cache and later JVMs run with it.
 */
class ServiceLaunchTest {

    private static final List<String> JVM_OPTIONS = List.of("-Xmx64m", "-XX:+UseSerialGC");

    @TempDir
    Path work;

    private final List<String> progress = new ArrayList<>();

    @Test
    void theFirstStartRecordsAndTheNextStartsRunFromTheCacheItBuilt() throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "the AOT cache needs JDK 25");
        ServiceLaunch firstCluster = launches(true);
        Path jar = builtJar();

        ServiceLaunch.Launch recorder = firstCluster.prepare("demo-service", jar, JVM_OPTIONS);
        ServiceLaunch.Launch secondInstance = firstCluster.prepare("demo-service", jar, JVM_OPTIONS);
        assertThat(ServiceLaunch.records(recorder.jvmOptions())).as("one instance per module trains").isTrue();
        assertThat(secondInstance.jvmOptions()).isEmpty();
        assertThat(run(recorder)).contains("demo service ran");

        ServiceLaunch.Launch next = launches(true).prepare("demo-service", jar, JVM_OPTIONS);

        assertThat(next.jvmOptions()).singleElement().asString().startsWith("-XX:AOTCache=");
        assertThat(progress).anySatisfy(line -> assertThat(line).contains("building it from the last run's training"));
        assertThat(filesIn(next.jar().getParent())).as("the training is used up")
                .noneMatch(name -> name.endsWith(".aotconf"));
        List<String> mustUseCache = new ArrayList<>(next.jvmOptions());
        mustUseCache.add("-XX:AOTMode=on"); // fails instead of running without an unusable cache
        assertThat(run(new ServiceLaunch.Launch(mustUseCache, next.jar()))).contains("demo service ran");
        assertThat(launches(true).prepare("demo-service", jar, JVM_OPTIONS).jvmOptions())
                .isEqualTo(next.jvmOptions());
    }

    @Test
    void aTrainingCutShortIsThrownAwayAndTheNextStartRecordsAgain() throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "the AOT cache needs JDK 25");
        Path jar = builtJar();
        ServiceLaunch launches = launches(true);
        Path build = launches.buildDirectory("demo-service", jar);
        Files.write(build.resolve("training-killed.aotconf"), new byte[4096]);

        ServiceLaunch.Launch launch = launches.prepare("demo-service", jar, JVM_OPTIONS);

        assertThat(ServiceLaunch.records(launch.jvmOptions())).isTrue();
        assertThat(build.resolve("training-killed.aotconf")).doesNotExist();
        assertThat(build.resolve("app.aot")).doesNotExist();
        assertThat(progress).anySatisfy(line -> assertThat(line).contains("not built"));
        assertThat(run(launch)).contains("demo service ran");
    }

    @Test
    void withoutJdk25TheServiceRunsFromItsExtractedJarAlone() throws Exception {
        Path jar = builtJar();

        ServiceLaunch.Launch launch = launches(false).prepare("demo-service", jar, JVM_OPTIONS);

        assertThat(launch.jvmOptions()).isEmpty();
        assertThat(run(launch)).contains("demo service ran");
    }

    @Test
    void onlyTheLastTwoBuildsOfAModuleAreKept() throws Exception {
        Path root = work.resolve("services");
        Files.createDirectories(root);
        for (int age = 1; age <= 3; age++) {
            Path old = Files.createDirectories(root.resolve("demo-service-000000000000000" + age));
            Files.setLastModifiedTime(old, FileTime.fromMillis(System.currentTimeMillis() - age * 60_000L));
        }
        Path otherModule = Files.createDirectories(root.resolve("other-service-0000000000000009"));
        Files.setLastModifiedTime(otherModule, FileTime.fromMillis(0));
        Path jar = builtJar();

        ServiceLaunch launches = launches(false);
        launches.prepare("demo-service", jar, JVM_OPTIONS);

        assertThat(filesIn(root)).containsExactlyInAnyOrder(
                launches.buildDirectory("demo-service", jar).getFileName().toString(),
                "demo-service-0000000000000001", "other-service-0000000000000009");
    }

    private ServiceLaunch launches(boolean aotCache) {
        return new ServiceLaunch(work.resolve("services"), aotCache,
                (module, status) -> progress.add(module + " " + status));
    }

    /**
     * A runnable jar, placed where its extracted copy goes (Spring Boot's extraction itself runs with the service
     * jars in the system tests).
     */
    private Path builtJar() throws IOException {
        Path source = work.resolve("src/demo/Main.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, """
                package demo;
                public class Main {
                    public static void main(String[] args) {
                        var words = new java.util.ArrayList<>(java.util.List.of("ran", "service", "demo"));
                        java.util.Collections.reverse(words);
                        System.out.println(String.join(" ", words));
                    }
                }
                """);
        Path classes = work.resolve("classes");
        int compiled = ToolProvider.getSystemJavaCompiler()
                .run(null, null, null, "-d", classes.toString(), source.toString());
        assertThat(compiled).isZero();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "demo.Main");
        Path jar = work.resolve("target/demo-service.jar");
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry("demo/Main.class"));
            out.write(Files.readAllBytes(classes.resolve("demo/Main.class")));
            out.closeEntry();
        }
        Path extracted = launches(false).buildDirectory("demo-service", jar).resolve(jar.getFileName());
        Files.createDirectories(extracted.getParent());
        Files.copy(jar, extracted);
        return jar;
    }

    private static String run(ServiceLaunch.Launch launch) throws Exception {
        List<String> command = new ArrayList<>(List.of(ChildJvm.java()));
        command.addAll(JVM_OPTIONS);
        command.addAll(launch.jvmOptions());
        command.addAll(List.of("-jar", launch.jar().toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private static List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).toList();
        }
    }
}
