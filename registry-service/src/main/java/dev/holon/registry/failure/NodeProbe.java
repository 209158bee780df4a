package dev.holon.registry.failure;

/**
 * A second opinion before a silent node is declared DOWN: does its worker still answer at its own address, as
 * itself? Heartbeats travel through the broker, and a registry whose consumer is stalled (a broker restart, a
 * rebalance) hears nobody while every machine is fine.
 */
@FunctionalInterface
public interface NodeProbe {

    /** True only when the worker at {@code apiUrl} answers and says it is {@code nodeId}; never throws. */
    boolean answers(String nodeId, String apiUrl);
}
