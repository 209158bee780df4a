package dev.holon.localcluster.infra;

/**
 * The logback configuration for the PostgreSQL and Kafka host JVMs (INFO to stdout, which is their log
 * file). Passed as a system property so that no logback.xml at the classpath root leaks into other
 * modules that depend on this one.
 */
final class HostLogging {

    static final String CONFIG = "dev/holon/localcluster/infra/host-logback.xml";

    private HostLogging() {
    }
}
