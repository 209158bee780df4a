package dev.holon.worker.registration;

import dev.holon.worker.NodeWorkerApplication;

/** The worker's version as the registry shows it: the jar's Implementation-Version, "dev" when run from classes. */
final class AgentVersion {

    private AgentVersion() {
    }

    static String current() {
        String version = NodeWorkerApplication.class.getPackage().getImplementationVersion();
        return version != null ? version : "dev";
    }
}
