package dev.holon.localcluster.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * Every TCP port a cluster listens on. The defaults suit one developer machine; a port base N shifts
 * each of them by N - 8080, so a second cluster (system tests use 10080 to 21080) never meets the first.
 * Bases up to {@link #HIGHEST_SAFE_BASE} keep every port below the kernel's ephemeral range.
 */
public record PortPlan(int portBase, int gateway, int registry, List<Integer> schedulers, int config, int keycloak, int postgres,
                       int kafka, int kafkaController, List<Integer> workers, int storage, int auth) {

    public static final int DEFAULT_BASE = 8080;
    static final int DEFAULT_GATEWAY = 8080;
    static final int DEFAULT_REGISTRY = 8081;
    static final int DEFAULT_SCHEDULER = 8082;
    static final int DEFAULT_CONFIG = 8888;
    static final int DEFAULT_KEYCLOAK = 8180;
    static final int DEFAULT_POSTGRES = 15432;
    static final int DEFAULT_KAFKA = 19092;
    static final int DEFAULT_FIRST_WORKER = 8091;
    /** Beside config-service: 8082-8090 are scheduler replicas, 8091-8887 workers. */
    static final int DEFAULT_STORAGE = 8889;
    /** Beside storage-service. */
    static final int DEFAULT_AUTH = 8890;
    /** Highest default port: the Kafka controller. */
    private static final int HIGHEST_DEFAULT = DEFAULT_KAFKA + 1;
    /** The highest base (in steps of 1000 from 8080) whose ports all stay below 32768, where Linux's ephemeral range starts. */
    public static final int HIGHEST_SAFE_BASE = 21080;

    /** Scheduler replicas take 8082, 8083, ... up to the port below the first worker's. */
    static final int MAX_SCHEDULERS = DEFAULT_FIRST_WORKER - DEFAULT_SCHEDULER;

    public PortPlan {
        schedulers = List.copyOf(schedulers);
        workers = List.copyOf(workers);
    }

    public static PortPlan defaults(int workers) {
        return forBase(DEFAULT_BASE, workers);
    }

    public static PortPlan forBase(int portBase, int workers) {
        return forBase(portBase, workers, 1);
    }

    public static PortPlan forBase(int portBase, int workers, int schedulers) {
        int shift = portBase - DEFAULT_BASE;
        if (portBase < 1024 || HIGHEST_DEFAULT + shift > 65535) {
            throw new IllegalArgumentException("port base %d puts ports outside 1024..65535; choose between 1024 and %d"
                    .formatted(portBase, 65535 - HIGHEST_DEFAULT + DEFAULT_BASE));
        }
        if (workers < 0 || workers > DEFAULT_CONFIG - DEFAULT_FIRST_WORKER) {
            throw new IllegalArgumentException("between 0 and " + (DEFAULT_CONFIG - DEFAULT_FIRST_WORKER) + " workers");
        }
        if (schedulers < 1 || schedulers > MAX_SCHEDULERS) {
            throw new IllegalArgumentException("between 1 and " + MAX_SCHEDULERS + " scheduler replicas");
        }
        List<Integer> schedulerPorts = new ArrayList<>();
        for (int i = 0; i < schedulers; i++) {
            schedulerPorts.add(DEFAULT_SCHEDULER + i + shift);
        }
        List<Integer> workerPorts = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            workerPorts.add(DEFAULT_FIRST_WORKER + i + shift);
        }
        return new PortPlan(portBase, DEFAULT_GATEWAY + shift, DEFAULT_REGISTRY + shift, schedulerPorts,
                DEFAULT_CONFIG + shift,
                DEFAULT_KEYCLOAK + shift, DEFAULT_POSTGRES + shift, DEFAULT_KAFKA + shift, DEFAULT_KAFKA + 1 + shift,
                workerPorts, DEFAULT_STORAGE + shift, DEFAULT_AUTH + shift);
    }

    /** The port of the first scheduler replica. */
    public int scheduler() {
        return schedulers.getFirst();
    }

    /** The port of scheduler replica n (1-based). */
    public int scheduler(int n) {
        return schedulers.get(n - 1);
    }

    /** The process name of scheduler replica n (1-based): scheduler-service, scheduler-service-2, ... */
    public static String schedulerName(int n) {
        return n == 1 ? "scheduler-service" : "scheduler-service-" + n;
    }

    /** The port of worker {@code node-n} (1-based). */
    public int worker(int n) {
        return workers.get(n - 1);
    }

    /** Each port with the name of what listens on it, in start order. */
    public Map<Integer, String> owners() {
        Map<Integer, String> owners = new LinkedHashMap<>();
        owners.put(postgres, "postgres");
        owners.put(kafka, "kafka");
        owners.put(kafkaController, "kafka controller");
        owners.put(keycloak, "keycloak");
        owners.put(config, "config-service");
        owners.put(registry, "registry-service");
        for (int i = 0; i < schedulers.size(); i++) {
            owners.put(schedulers.get(i), schedulerName(i + 1));
        }
        owners.put(auth, "auth-service");
        owners.put(gateway, "gateway-service");
        owners.put(storage, "storage-service");
        for (int i = 0; i < workers.size(); i++) {
            owners.put(workers.get(i), "node-" + (i + 1));
        }
        return owners;
    }

    /** The first port that {@code isFree} rejects, with its owner's name. */
    public Optional<Map.Entry<Integer, String>> firstBusy(IntPredicate isFree) {
        return owners().entrySet().stream().filter(e -> !isFree.test(e.getKey())).findFirst();
    }

    /** The highest port this plan listens on: the Kafka controller. */
    public int highestPort() {
        return kafkaController;
    }

    /**
     * A port base whose every port is free, from {@link #HIGHEST_SAFE_BASE} down in steps of 1000 (or that base if
     * none is). Only bases whose ports stay below Linux's ephemeral range (32768 up): there the kernel hands ports
     * to outgoing connections, so a port free when checked can be taken a moment later by any client.
     */
    public static int suggestBase(int currentBase, int workers, IntPredicate isFree) {
        return suggestBase(currentBase, workers, 1, isFree);
    }

    public static int suggestBase(int currentBase, int workers, int schedulers, IntPredicate isFree) {
        for (int base = HIGHEST_SAFE_BASE; base >= 9080; base -= 1000) {
            if (base != currentBase && forBase(base, workers, schedulers).firstBusy(isFree).isEmpty()) {
                return base;
            }
        }
        return currentBase == HIGHEST_SAFE_BASE ? HIGHEST_SAFE_BASE - 1000 : HIGHEST_SAFE_BASE;
    }
}
