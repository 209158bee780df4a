package dev.holon.localcluster.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.holon.localcluster.infra.KafkaHost;
import dev.holon.localcluster.infra.KeycloakServer;
import dev.holon.localcluster.infra.PostgresHost;
import dev.holon.localcluster.process.ChildJvm;
import dev.holon.localcluster.process.ChildProcess;
import dev.holon.localcluster.process.HttpProbe;
import dev.holon.localcluster.process.LogTail;
import dev.holon.localcluster.process.PortCheck;
import dev.holon.localcluster.process.ProcessSpec;
import dev.holon.localcluster.process.Readiness;
import dev.holon.localcluster.process.StartupFailedException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * A real Holon cluster on this machine: PostgreSQL, Kafka, Keycloak, the services and the workers, each
 * its own OS process, recorded in {@code <home>/cluster.json}. {@code holon up/down/status} are a thin
 * layer over this class, and system tests use it directly:
 *
 * <pre>{@code
 * LocalCluster cluster = LocalCluster.start(ClusterOptions.builder()
 *         .home(Path.of("target/cluster")).portBase(28080).build());
 * cluster.process("node-2").kill9();
 * cluster.restart("node-2");
 * cluster.stop();
 * }</pre>
 *
 * Methods that change processes are not meant to be called from several threads at once.
 */
public final class LocalCluster implements AutoCloseable {

    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "holon-admin";
    public static final String CLI_CLIENT = "holon-cli";
    static final Duration STOP_GRACE = Duration.ofSeconds(20);
    /** Writing the training file takes a service 10-15 s alone, several at once on 2 cores longer. */
    static final Duration TRAINING_STOP_GRACE = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOCK_FILE = "holon.lock";

    private final ClusterOptions options;
    private final ClusterPlan plan;
    private final List<ManagedProcess> processes = new CopyOnWriteArrayList<>();
    private final List<String> skipped = new CopyOnWriteArrayList<>();
    private final ServiceLaunch launches;
    private final String startedAt;
    private final long clock = System.nanoTime();
    private volatile String nodesCheck = "not checked";
    private volatile WorkerEnrolment workerEnrolment;
    /** Set when the JVM is shutting down during start (Ctrl-C): the exit hook stops everything. */
    private volatile boolean exiting;
    private Thread shutdownHook;

    private LocalCluster(ClusterOptions options, String startedAt) {
        this.options = options;
        this.plan = new ClusterPlan(options);
        this.startedAt = startedAt;
        this.launches = new ServiceLaunch((module, status) -> progress(line(module, status)));
    }

    // ---------------------------------------------------------------- start, attach, stop

    /**
     * Starts a cluster and returns when every process is healthy and the registry reports every worker
     * UP. Throws {@link PortInUseException} when a port is taken, {@link ClusterException.AlreadyRunning}
     * when this home's cluster runs, {@link StartupFailedException} (after stopping what it started) when
     * a process fails to start.
     */
    public static LocalCluster start(ClusterOptions options) {
        LocalCluster cluster = new LocalCluster(options, Instant.now().toString());
        try (HomeLock ignored = HomeLock.acquire(options.home())) {
            cluster.startLocked();
        }
        return cluster;
    }

    /** The cluster recorded in {@code home} (it may be partly or wholly stopped), or empty when none is. */
    public static Optional<LocalCluster> attach(Path home) {
        return attach(home, System.out);
    }

    public static Optional<LocalCluster> attach(Path home, PrintStream progress) {
        return ClusterState.read(home).map(state -> {
            ClusterOptions options = ClusterOptions.builder().home(home).portBase(state.portBase())
                    .repository(Path.of(state.repository())).stopOnExit(false).progress(progress)
                    .workers((int) state.processes().stream().filter(e -> e.name().startsWith("node-")).count())
                    .schedulerReplicas((int) Math.max(1, state.processes().stream()
                            .filter(e -> e.name().startsWith(PortPlan.schedulerName(1))).count()))
                    .build();
            LocalCluster cluster = new LocalCluster(options, state.startedAt());
            state.processes().forEach(entry -> cluster.processes.add(entry.toProcess()));
            cluster.skipped.addAll(state.skipped());
            return cluster;
        });
    }

    /** Stops every process (workers first, PostgreSQL last) and forgets the cluster. Data stays. */
    public void stop() {
        removeShutdownHook();
        try (HomeLock ignored = HomeLock.acquire(options.home())) {
            stopAll();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void startLocked() {
        Optional<LocalCluster> previous = attach(options.home(), options.progress());
        if (previous.isPresent()) {
            if (previous.get().processes.stream().anyMatch(ManagedProcess::isAlive)) {
                if (!options.replaceRunning()) {
                    throw new ClusterException.AlreadyRunning("Holon is already running (see ./holon status)");
                }
                progress("stopping the cluster still running in " + options.home());
                previous.get().stopAll();
            }
            ClusterState.delete(options.home()); // stale: every pid is dead
        }
        PostgresHost.stopOrphan(plan.postgres().dataDirectory());
        PortPlan ports = plan.ports();
        ports.firstBusy(PortCheck::isFree).ifPresent(busy -> {
            throw new PortInUseException(busy.getKey(), busy.getValue(),
                    PortPlan.suggestBase(ports.portBase(), ports.workers().size(), ports.schedulers().size(),
                            PortCheck::isFree));
        });
        createDirectories();
        shutdownHook = new Thread(() -> {
            exiting = true;
            try {
                stopAll(false);
            } catch (RuntimeException e) {
                progress("could not stop everything: " + e.getMessage());
            }
        }, "stop-holon-cluster");
        Runtime.getRuntime().addShutdownHook(shutdownHook); // a Ctrl-C during start stops what started
        try {
            startProcesses();
        } catch (StartupFailedException e) {
            if (exiting) {
                throw new ClusterException("interrupted: stopping what was started", e);
            }
            progress("start failed: stopping what was started");
            removeShutdownHook();
            stopAllQuietly();
            if (!skipped.isEmpty()) {
                throw new StartupFailedException(e.getMessage() + "\nNote: not started because their jar is missing: "
                        + String.join(", ", skipped) + " (a service may need them).", e);
            }
            throw e;
        } catch (RuntimeException e) {
            if (exiting) {
                throw new ClusterException("interrupted: stopping what was started", e);
            }
            progress("start failed: stopping what was started");
            removeShutdownHook();
            stopAllQuietly();
            throw e;
        }
        if (!options.stopOnExit()) {
            removeShutdownHook();
        }
    }

    private void startProcesses() {
        step(() -> launch("postgres", ProcessKind.POSTGRES, plan.ports().postgres(),
                PostgresHost.jdbcUrl(plan.ports().postgres()), plan.postgres().dataDirectory(),
                () -> PostgresHost.processSpec(plan.postgres())));
        step(() -> launch("kafka", ProcessKind.KAFKA, plan.ports().kafka(), KafkaHost.bootstrapServers(plan.ports().kafka()),
                        plan.kafka().dataDirectory(), () -> KafkaHost.processSpec(plan.kafka())),
                () -> launch("keycloak", ProcessKind.KEYCLOAK, plan.ports().keycloak(),
                        issuerUri() + "/.well-known/openid-configuration", null, () -> {
                    if (!KeycloakServer.isDistributionReady()) {
                        progress(line("keycloak", "preparing: first run unpacks and builds Keycloak (about a minute)"));
                    }
                    return KeycloakServer.prepare(plan.keycloak(), plan.keycloakInstance());
                }));
        Map<Integer, List<ClusterPlan.PlannedService>> stages = new TreeMap<>();
        for (ClusterPlan.PlannedService service : plan.services()) {
            if (!service.jarPresent()) {
                skipped.add(service.name());
                saveState();
                progress(line(service.name(), "skipped: " + service.jar() + " is missing (build the module to include it)"));
                continue;
            }
            stages.computeIfAbsent(service.stage(), stage -> new ArrayList<>()).add(service);
        }
        for (Map.Entry<Integer, List<ClusterPlan.PlannedService>> stage : stages.entrySet()) {
            if (stage.getKey() == ClusterPlan.WORKER_STAGE) {
                workerEnrolment = createWorkerEnrolment(stage.getValue().size());
            }
            List<Supplier<ManagedProcess>> launches = new ArrayList<>();
            for (ClusterPlan.PlannedService service : stage.getValue()) {
                launches.add(() -> launch(service.name(), ProcessKind.SERVICE, service.port(), service.healthUrl(),
                        service.dataDirectory(), () -> serviceSpec(service)));
            }
            step(launches.toArray(Supplier[]::new));
        }
        awaitNodesUp();
        revokeWorkerEnrolment();
    }

    /**
     * Workers join as a new machine does: one enrolment token from auth-service (as the admin), redeemed by each
     * worker for a Keycloak client of its own; workers that enrolled in an earlier start keep their credentials and
     * ignore it. Null when auth-service is not built: the workers then use the shared node client.
     */
    private WorkerEnrolment createWorkerEnrolment(int workers) {
        if (findProcess("auth-service").isEmpty()) {
            return null;
        }
        String token = tryToken(ADMIN_USER, ADMIN_PASSWORD);
        if (token == null) {
            throw new StartupFailedException("Keycloak at " + tokenUrl() + " gave the admin no token, so the workers"
                    + " cannot get an enrolment token");
        }
        String url = authUrl() + "/api/v1/tokens/enrolments";
        HttpProbe.Response response = HttpProbe.postJson(url, token, """
                {"uses": %d, "expiresIn": "PT1H", "description": "holon up: the local workers"}""".formatted(workers));
        try {
            JsonNode created = JSON.readTree(response.body());
            if (response.status() == 201 && created.hasNonNull("token")) {
                progress(line("auth-service", "enrolment token " + created.path("id").asText() + " for "
                        + workers + " workers"));
                return new WorkerEnrolment(created.path("id").asText(), created.path("token").asText());
            }
        } catch (RuntimeException | IOException notJson) {
            // reported below
        }
        throw new StartupFailedException("POST " + url + " answered " + response.status() + " "
                + abbreviate(response.body()) + ": the workers cannot get an enrolment token");
    }

    /** The workers are in: nobody else may enrol with their token. */
    private void revokeWorkerEnrolment() {
        if (workerEnrolment == null) {
            return;
        }
        String token = tryToken(ADMIN_USER, ADMIN_PASSWORD);
        HttpProbe.Response response = token == null ? new HttpProbe.Response(401, "no admin token")
                : HttpProbe.delete(authUrl() + "/api/v1/tokens/enrolments/" + workerEnrolment.id(), token);
        if (response.status() != 204) {
            progress(line("auth-service", "could not revoke enrolment token " + workerEnrolment.id() + " ("
                    + response.status() + "); it expires within the hour"));
        }
    }

    private record WorkerEnrolment(String id, String token) {
    }

    private ProcessSpec serviceSpec(ClusterPlan.PlannedService service) {
        List<String> jvmOptions = new ArrayList<>(ClusterPlan.compilerOptions(service.module()));
        jvmOptions.addAll(options.serviceJvmOptions());
        ServiceLaunch.Launch launch = launches.prepare(service.module(), service.jar(), jvmOptions);
        List<String> command = new ArrayList<>();
        command.add(ChildJvm.java());
        command.addAll(jvmOptions);
        command.addAll(launch.jvmOptions());
        command.add("-jar");
        command.add(launch.jar().toString());
        Path workingDirectory = service.dataDirectory() != null ? service.dataDirectory()
                : plan.dataDirectory("run").resolve(service.name());
        Map<String, String> environment = new LinkedHashMap<>(service.environment());
        WorkerEnrolment enrolment = workerEnrolment;
        if (service.module().equals(ClusterPlan.WORKER_MODULE) && enrolment != null) {
            environment.put("HOLON_WORKER_ENROLMENT_TOKEN", enrolment.token());
            environment.put("HOLON_NODE_CLIENT_ID", ""); // no shared node client: each worker has its own
            environment.put("HOLON_NODE_CLIENT_SECRET", "");
        }
        return new ProcessSpec(service.name(), command, environment, workingDirectory, plan.logFile(service.name()));
    }

    /** Runs the launches of one step in parallel; when one fails, stops everything so the others end soon. */
    @SafeVarargs
    private void step(Supplier<ManagedProcess>... launches) {
        if (launches.length == 1) {
            launches[0].get();
            return;
        }
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ManagedProcess>> futures = new ArrayList<>();
            for (Supplier<ManagedProcess> launch : launches) {
                futures.add(executor.submit(() -> {
                    try {
                        return launch.get();
                    } catch (RuntimeException e) {
                        stopAllQuietly();
                        throw e;
                    }
                }));
            }
            RuntimeException first = null;
            for (Future<ManagedProcess> future : futures) {
                try {
                    future.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof RuntimeException r ? r : new StartupFailedException(e.getCause().toString(), e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StartupFailedException("interrupted", e);
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    private ManagedProcess launch(String name, ProcessKind kind, int port, String healthUrl, Path dataDirectory,
                                  Supplier<ProcessSpec> spec) {
        ProcessSpec processSpec = spec.get();
        if (exiting) {
            throw new ClusterException("interrupted before " + name + " started");
        }
        ChildProcess child = ChildProcess.spawn(processSpec);
        ManagedProcess process = new ManagedProcess(name, kind, port, healthUrl, dataDirectory, child);
        processes.add(process);
        saveState();
        awaitHealthy(process);
        progress(line(name, "up (" + displayUrl(process) + ")"));
        return process;
    }

    private void awaitHealthy(ManagedProcess process) {
        Duration timeout = process.kind() == ProcessKind.KEYCLOAK ? Duration.ofSeconds(Math.max(180,
                options.processTimeout().toSeconds())) : options.processTimeout();
        Readiness.await(process.process(), describeHealth(process), timeout, process::healthy);
    }

    private static String describeHealth(ManagedProcess process) {
        return switch (process.kind()) {
            case POSTGRES -> "PostgreSQL accepts connections on port " + process.port();
            case KAFKA -> "the broker answers on localhost:" + process.port();
            case KEYCLOAK -> "the holon realm answers at " + process.healthUrl();
            case SERVICE -> process.healthUrl() + " says UP";
        };
    }

    private static String displayUrl(ManagedProcess process) {
        return switch (process.kind()) {
            case POSTGRES -> process.healthUrl();
            case KAFKA -> process.healthUrl();
            case KEYCLOAK, SERVICE -> "http://localhost:" + process.port();
        };
    }

    /**
     * The registry, asked through the gateway, reports every worker UP. Without the registry or gateway
     * (not built yet) the workers' own health, already checked, has to do.
     */
    private void awaitNodesUp() {
        int expected = plan.ports().workers().size();
        List<String> workers = processes.stream().map(ManagedProcess::name).filter(n -> n.startsWith("node-")).toList();
        if (expected == 0 || workers.isEmpty()) {
            nodesCheck = "no workers started";
            return;
        }
        if (skipped.contains("registry-service") || skipped.contains("gateway-service")) {
            nodesCheck = "registry or gateway not built: checked each worker's /actuator/health instead";
            progress(line("nodes", workers.size() + " workers healthy (" + nodesCheck + ")"));
            return;
        }
        String url = gatewayUrl() + "/api/v1/nodes?state=UP&limit=500";
        long deadline = System.nanoTime() + options.nodesTimeout().toNanos();
        long notFoundSince = -1;
        String token = null;
        HttpProbe.Response last = null;
        while (System.nanoTime() < deadline) {
            if (token == null) {
                token = tryToken(ADMIN_USER, ADMIN_PASSWORD);
            }
            if (token != null) {
                last = HttpProbe.get(url, token);
                if (last.status() == 401) {
                    token = null;
                } else if (last.ok()) {
                    notFoundSince = -1;
                    int up = countItems(last.body());
                    if (up >= workers.size()) {
                        nodesCheck = up + " nodes UP in the registry";
                        progress(line("nodes", up + " UP (GET " + url.replace("&limit=500", "") + ")"));
                        return;
                    }
                } else if (last.status() == 404) {
                    notFoundSince = notFoundSince < 0 ? System.nanoTime() : notFoundSince;
                    if (System.nanoTime() - notFoundSince > Duration.ofSeconds(20).toNanos()) {
                        nodesCheck = "GET /api/v1/nodes answers 404 (not in the tree yet): checked each worker's"
                                + " /actuator/health instead";
                        progress(line("nodes", workers.size() + " workers healthy (" + nodesCheck + ")"));
                        return;
                    }
                }
            }
            pause(1000);
        }
        ManagedProcess registry = findProcess("registry-service").orElse(null);
        throw new StartupFailedException(("registry: timed out after %d s waiting until %s reports %d nodes UP"
                + " (last answer: %s).%s").formatted(options.nodesTimeout().toSeconds(), url, workers.size(),
                last == null ? "no token from Keycloak" : last.status() + " " + abbreviate(last.body()),
                registry == null ? "" : " Last lines of the registry's log:\n" + LogTail.excerpt(registry.logFile(), 20)));
    }

    private static int countItems(String body) {
        try {
            JsonNode items = JSON.readTree(body).path("items");
            return items.isArray() ? items.size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static String abbreviate(String text) {
        String single = text == null ? "" : text.replaceAll("\\s+", " ");
        return single.length() > 300 ? single.substring(0, 300) + "..." : single;
    }

    private void stopAll() {
        stopAll(true);
    }

    /** {@code reportDead=false} (JVM exit hooks): say nothing about processes someone else already stopped. */
    private synchronized void stopAll(boolean reportDead) {
        List<ManagedProcess> all = List.copyOf(processes);
        if (all.isEmpty()) {
            ClusterState.delete(options.home());
            return;
        }
        Map<Integer, List<ManagedProcess>> byStage = new TreeMap<>(Comparator.reverseOrder());
        for (ManagedProcess process : all) {
            byStage.computeIfAbsent(ClusterPlan.stageOf(process), s -> new ArrayList<>()).add(process);
        }
        for (List<ManagedProcess> stage : byStage.values()) {
            try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                for (ManagedProcess process : stage) {
                    executor.submit(() -> {
                        if (!process.isAlive()) {
                            if (process.kind() == ProcessKind.POSTGRES) {
                                process.stop(STOP_GRACE); // a server left behind by a killed host
                            }
                            if (reportDead) {
                                progress(line(process.name(), "was not running"));
                            }
                            return;
                        }
                        boolean training = ServiceLaunch.records(process.spec().command());
                        if (training) {
                            progress(line(process.name(), "stopping: saving its start-up training for the next start"));
                        }
                        boolean clean = process.stop(stopGrace(process));
                        progress(line(process.name(), clean ? "stopped" : "killed (did not stop in time)"));
                    });
                }
            }
        }
        processes.clear();
        ClusterState.delete(options.home());
    }

    /** Kafka 15 s; a service that writes its start-up training as it stops, long enough for that. */
    private static Duration stopGrace(ManagedProcess process) {
        if (process.kind() == ProcessKind.KAFKA) {
            return Duration.ofSeconds(15);
        }
        return ServiceLaunch.records(process.spec().command()) ? TRAINING_STOP_GRACE : STOP_GRACE;
    }

    private void stopAllQuietly() {
        try {
            stopAll();
        } catch (RuntimeException e) {
            progress("could not stop everything: " + e.getMessage());
        }
    }

    private void removeShutdownHook() {
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // it runs now
            }
            shutdownHook = null;
        }
    }

    /** Starts a process again from its recorded command (SIGKILLed, stopped or still running) and waits until healthy. */
    public ManagedProcess restart(String name) {
        ManagedProcess process = process(name);
        process.stop(stopGrace(process));
        if (process.kind() == ProcessKind.POSTGRES) {
            PostgresHost.stopOrphan(process.dataDirectory());
        }
        process.replace(ChildProcess.spawn(process.spec()));
        saveState();
        awaitHealthy(process);
        progress(line(name, "up again (" + displayUrl(process) + ")"));
        return process;
    }

    // ---------------------------------------------------------------- what tests and the CLI read

    public ManagedProcess process(String name) {
        return findProcess(name).orElseThrow(() -> new IllegalArgumentException("no process " + name + " in this cluster; "
                + "there are " + processes.stream().map(ManagedProcess::name).toList()));
    }

    public Optional<ManagedProcess> findProcess(String name) {
        return processes.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** In start order. */
    public List<ManagedProcess> processes() {
        return List.copyOf(processes);
    }

    /** Services whose jar was missing at start. */
    public List<String> skippedServices() {
        return List.copyOf(skipped);
    }

    /** How the final check of the workers was done (registry API or the workers' own health). */
    public String nodesCheck() {
        return nodesCheck;
    }

    public ClusterOptions options() {
        return options;
    }

    public PortPlan ports() {
        return plan.ports();
    }

    public Path home() {
        return options.home();
    }

    public Path logDirectory() {
        return options.home().resolve("logs");
    }

    public String gatewayUrl() {
        return "http://localhost:" + ports().gateway();
    }

    /** The base URL of every scheduler replica, first replica first. */
    public List<String> schedulerUrls() {
        return plan.schedulerUrls();
    }

    /** The process names of the scheduler replicas: scheduler-service, scheduler-service-2, ... */
    public List<String> schedulerNames() {
        return IntStream.rangeClosed(1, ports().schedulers().size()).mapToObj(PortPlan::schedulerName)
                .toList();
    }

    public String authUrl() {
        return "http://localhost:" + ports().auth();
    }

    public String registryUrl() {
        return "http://localhost:" + ports().registry();
    }

    public String configUrl() {
        return "http://localhost:" + ports().config();
    }

    public String keycloakUrl() {
        return KeycloakServer.baseUrl(ports().keycloak());
    }

    public String issuerUri() {
        return KeycloakServer.issuerUri(ports().keycloak());
    }

    public String tokenUrl() {
        return issuerUri() + "/protocol/openid-connect/token";
    }

    public String keycloakAdminConsoleUrl() {
        return keycloakUrl() + "/admin/";
    }

    public String jdbcUrl() {
        return PostgresHost.jdbcUrl(ports().postgres());
    }

    public String kafkaBootstrapServers() {
        return KafkaHost.bootstrapServers(ports().kafka());
    }

    public int workerPort(int n) {
        return ports().worker(n);
    }

    /** An access token for a realm user (password grant through the public {@code holon-cli} client). */
    public String accessToken(String username, String password) {
        String token = tryToken(username, password);
        if (token == null) {
            throw new ClusterException("Keycloak at " + tokenUrl() + " gave no token for " + username);
        }
        return token;
    }

    /** An access token for a confidential client's service account (client credentials grant). */
    public String clientCredentialsToken(String clientId, String clientSecret) {
        HttpProbe.Response response = HttpProbe.postForm(tokenUrl(), Map.of("grant_type", "client_credentials",
                "client_id", clientId, "client_secret", clientSecret));
        return accessTokenFrom(response).orElseThrow(() -> new ClusterException("Keycloak at " + tokenUrl()
                + " gave no token for client " + clientId + ": " + response.status() + " " + abbreviate(response.body())));
    }

    private String tryToken(String username, String password) {
        return accessTokenFrom(HttpProbe.postForm(tokenUrl(), Map.of("grant_type", "password", "client_id", CLI_CLIENT,
                "username", username, "password", password))).orElse(null);
    }

    private static Optional<String> accessTokenFrom(HttpProbe.Response response) {
        if (!response.ok()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(JSON.readTree(response.body()).path("access_token").textValue());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- helpers

    private void createDirectories() {
        try {
            for (Path dir : List.of(logDirectory(), plan.dataDirectory("postgres").getParent())) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + options.home(), e);
        }
    }

    private synchronized void saveState() {
        new ClusterState(ports().portBase(), options.repository().toString(), startedAt,
                processes.stream().map(ClusterState.Entry::of).toList(), skipped).write(options.home());
    }

    private String line(String name, String status) {
        return "[%5.1fs] %s %s".formatted((System.nanoTime() - clock) / 1e9, dots(name), status);
    }

    /** {@code keycloak ........} — names padded with dots to one width, so the states line up. */
    static String dots(String name) {
        int width = 19;
        StringBuilder padded = new StringBuilder(name).append(' ');
        while (padded.length() < width) {
            padded.append('.');
        }
        return padded.toString();
    }

    private void progress(String text) {
        PrintStream out = options.progress();
        if (out != null) {
            out.println(text);
            out.flush();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupFailedException("interrupted", e);
        }
    }

    /** One holon command at a time per home: two `up`s racing would start everything twice. */
    private static final class HomeLock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private HomeLock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        static HomeLock acquire(Path home) {
            try {
                Files.createDirectories(home);
                FileChannel channel = FileChannel.open(home.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    channel.close();
                    throw new ClusterException.Busy("another holon command is working on " + home + "; wait for it to finish");
                }
                return new HomeLock(channel, lock);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock " + home, e);
            }
        }

        @Override
        public void close() {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                // released when the JVM exits anyway
            }
        }
    }
}
