package dev.holon.scheduler.task;

/**
 * Published inside a transaction in which an attempt left its node (it ended, was lost or cancelled): what it held
 * is free, so pending tasks waiting for room may be placed at once rather than at the next pass.
 */
public record CapacityFreed(String nodeId) {
}
