package dev.holon.localcluster.cluster;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to start a local cluster. Defaults: home {@code $HOLON_HOME} or {@code ~/.holon}, port base 8080,
 * 3 workers, the repository this module was built in, stop with the JVM (the CLI turns that off so the
 * cluster outlives `holon up`), progress lines on stdout.
 *
 * @param home              logs/, data/ and the state file
 * @param portBase          every port is shifted by portBase - 8080
 * @param repository        the Holon checkout: services are {@code <repository>/<module>/target/<module>.jar}
 * @param workers           how many node-workers
 * @param schedulerReplicas how many scheduler-service processes (one leader places tasks, the others stand by)
 * @param stopOnExit        stop the cluster when this JVM exits
 * @param processTimeout    how long one process may take to become healthy
 * @param nodesTimeout      how long the registry may take to report every worker UP
 * @param serviceJvmOptions JVM options of each Spring Boot service
 * @param progress          where progress lines go
 * @param replaceRunning    stop a cluster still running from this home (say, left by a killed test JVM)
 *                          instead of failing with {@link ClusterException.AlreadyRunning}
 */
public record ClusterOptions(Path home, int portBase, Path repository, int workers, int schedulerReplicas, boolean stopOnExit,
                             Duration processTimeout, Duration nodesTimeout, List<String> serviceJvmOptions,
                             PrintStream progress, boolean replaceRunning) {

    /**
     * Small and quick to start: measured on a 2-core machine where 7 JVMs share the CPU at start. Which JIT a service
     * gets depends on its role ({@link ClusterPlan#compilerOptions}); an option given here wins over that.
     */
    public static final List<String> DEFAULT_SERVICE_JVM_OPTIONS = List.of("-Xms32m", "-Xmx256m", "-Xss512k",
            "-XX:+UseSerialGC", "-XX:ReservedCodeCacheSize=64m",
            "-XX:+ExitOnOutOfMemoryError", "-Dfile.encoding=UTF-8", "-Djava.awt.headless=true");

    public ClusterOptions {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(repository, "repository");
        home = home.toAbsolutePath().normalize();
        repository = repository.toAbsolutePath().normalize();
        serviceJvmOptions = List.copyOf(serviceJvmOptions);
        PortPlan.forBase(portBase, workers, schedulerReplicas); // validates
    }

    public static ClusterOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public PortPlan ports() {
        return PortPlan.forBase(portBase, workers, schedulerReplicas);
    }

    public Builder toBuilder() {
        return new Builder().home(home).portBase(portBase).repository(repository).workers(workers)
                .schedulerReplicas(schedulerReplicas)
                .stopOnExit(stopOnExit).processTimeout(processTimeout).nodesTimeout(nodesTimeout)
                .serviceJvmOptions(serviceJvmOptions).progress(progress).replaceRunning(replaceRunning);
    }

    /** {@code $HOLON_HOME}, else {@code ~/.holon}. */
    public static Path defaultHome() {
        String configured = System.getenv("HOLON_HOME");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".holon");
    }

    /**
     * The Holon checkout: {@code -Dholon.repo}, else the first folder above this module's classes or the
     * working directory that holds {@code local-cluster/pom.xml}.
     */
    public static Path defaultRepository() {
        String configured = System.getProperty("holon.repo");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (Path start : new Path[] {codeLocation(), Path.of("").toAbsolutePath()}) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve("local-cluster/pom.xml")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                    return dir;
                }
            }
        }
        return Path.of("").toAbsolutePath();
    }

    private static Path codeLocation() {
        try {
            return Path.of(ClusterOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        } catch (Exception e) {
            return null;
        }
    }

    public static final class Builder {
        private Path home;
        private int portBase = PortPlan.DEFAULT_BASE;
        private Path repository;
        private int workers = 3;
        private int schedulerReplicas = 1;
        private boolean stopOnExit = true;
        private Duration processTimeout = Duration.ofSeconds(180);
        private Duration nodesTimeout = Duration.ofSeconds(120);
        private List<String> serviceJvmOptions = DEFAULT_SERVICE_JVM_OPTIONS;
        private PrintStream progress = System.out;
        private boolean replaceRunning;

        private Builder() {
        }

        public Builder home(Path home) {
            this.home = home;
            return this;
        }

        public Builder portBase(int portBase) {
            this.portBase = portBase;
            return this;
        }

        public Builder repository(Path repository) {
            this.repository = repository;
            return this;
        }

        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        public Builder schedulerReplicas(int schedulerReplicas) {
            this.schedulerReplicas = schedulerReplicas;
            return this;
        }

        public Builder stopOnExit(boolean stopOnExit) {
            this.stopOnExit = stopOnExit;
            return this;
        }

        public Builder processTimeout(Duration processTimeout) {
            this.processTimeout = processTimeout;
            return this;
        }

        public Builder nodesTimeout(Duration nodesTimeout) {
            this.nodesTimeout = nodesTimeout;
            return this;
        }

        public Builder serviceJvmOptions(List<String> serviceJvmOptions) {
            this.serviceJvmOptions = serviceJvmOptions;
            return this;
        }

        /** Where progress lines go; {@code null} for silence. */
        public Builder progress(PrintStream progress) {
            this.progress = progress;
            return this;
        }

        public Builder replaceRunning(boolean replaceRunning) {
            this.replaceRunning = replaceRunning;
            return this;
        }

        public ClusterOptions build() {
            return new ClusterOptions(home == null ? defaultHome() : home, portBase,
                    repository == null ? defaultRepository() : repository, workers, schedulerReplicas, stopOnExit, processTimeout,
                    nodesTimeout, serviceJvmOptions, progress, replaceRunning);
        }
    }
}
