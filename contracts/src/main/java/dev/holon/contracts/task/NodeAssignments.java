package dev.holon.contracts.task;

import java.time.Instant;
import java.util.List;

/**
 * The desired state of one node, as the scheduler's database has it ({@code GET /api/v1/assignments?nodeId=...}):
 * every attempt that should be running there now (SCHEDULED or RUNNING). A worker converges on it, level-triggered:
 * it starts listed attempts it never received and stops attempts that are no longer listed. {@code fencingToken} is
 * the newest leader epoch; {@code asOf} is when the list was read.
 */
public record NodeAssignments(String nodeId, long fencingToken, Instant asOf, List<AssignTask> items) {
}
