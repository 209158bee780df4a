package dev.holon.localcluster.infra;

import dev.holon.localcluster.process.ChildProcess;

/**
 * A piece of infrastructure (PostgreSQL, Kafka, Keycloak) running as a child process. When asked, it is
 * stopped when this JVM exits, so tests never leave servers behind; {@code holon up} asks it not to be.
 */
abstract sealed class InfrastructureProcess implements AutoCloseable permits KafkaHost, PostgresHost, KeycloakServer {

    protected final ChildProcess process;
    private final Thread shutdownHook;

    InfrastructureProcess(String name, ChildProcess process, boolean stopWithJvm) {
        this.process = process;
        this.shutdownHook = stopWithJvm ? new Thread(this::stopProcess, "stop-" + name) : null;
        if (shutdownHook != null) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    /** Stops the process (SIGTERM, a bounded wait, then SIGKILL) and whatever it leaves behind. */
    protected abstract void stopProcess();

    public long pid() {
        return process.pid();
    }

    public ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to
            }
        }
        stopProcess();
    }
}
