package dev.holon.contracts.node;

import java.util.List;
import java.util.Map;

/** What a worker tells the registry when it enrols ({@code PUT /api/v1/nodes/{id}}). */
public record NodeEnrolment(
        String hostname,
        NodeResources capacity,
        Map<String, String> labels,
        List<GpuDevice> gpus,
        String agentVersion,
        /** Where the worker serves its own API (task logs, chunks): for services, never shown as an id. */
        String apiUrl) {
}
