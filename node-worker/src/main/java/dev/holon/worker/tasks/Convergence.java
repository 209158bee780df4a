package dev.holon.worker.tasks;

import dev.holon.contracts.task.AssignTask;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides how this worker converges on the scheduler's desired state for it (plain Java; the caller acts). Given one
 * successful answer of the assignments endpoint and what runs and ran here:
 * <ul>
 *   <li>a listed attempt this worker never saw is to be started (its Kafka assignment was missed);</li>
 *   <li>an attempt running here is to be stopped only when it is missing from two consecutive answers: an answer may
 *   have been read just before the attempt was assigned;</li>
 *   <li>an attempt that ended here but is listed in two consecutive answers is to be reported again (the first report
 *   may still be on its way, so not after one).</li>
 * </ul>
 * Not thread-safe: one reconciliation loop calls it.
 */
public final class Convergence {

    /** What one answer asks for. */
    public record Plan(List<AssignTask> start, List<String> stop, List<AssignTask> reReport) {

        public static final Plan NONE = new Plan(List.of(), List.of(), List.of());

        public boolean isEmpty() {
            return start.isEmpty() && stop.isEmpty() && reReport.isEmpty();
        }
    }

    /** What this worker knows of an attempt. */
    public enum Local { UNKNOWN, RUNNING, ENDED }

    private Set<String> missingOnce = Set.of();
    private Set<String> endedButListedOnce = Set.of();

    /**
     * @param desired the attempts the scheduler lists for this node
     * @param running the attempts running here now
     * @param local   what this worker knows of a listed attempt (ran here before, or never)
     */
    public Plan plan(List<AssignTask> desired, Set<String> running, Function<String, Local> local) {
        Map<String, AssignTask> listed = new LinkedHashMap<>();
        desired.forEach(assign -> listed.putIfAbsent(assign.attemptId(), assign));

        List<AssignTask> start = new ArrayList<>();
        List<AssignTask> reReport = new ArrayList<>();
        Set<String> endedNow = new HashSet<>();
        for (AssignTask assign : listed.values()) {
            if (running.contains(assign.attemptId())) {
                continue;
            }
            switch (local.apply(assign.attemptId())) {
                case UNKNOWN -> start.add(assign);
                case ENDED -> {
                    endedNow.add(assign.attemptId());
                    if (endedButListedOnce.contains(assign.attemptId())) {
                        reReport.add(assign);
                    }
                }
                case RUNNING -> { }
            }
        }

        List<String> stop = new ArrayList<>();
        Set<String> missingNow = new HashSet<>();
        for (String attemptId : running) {
            if (listed.containsKey(attemptId)) {
                continue;
            }
            if (missingOnce.contains(attemptId)) {
                stop.add(attemptId);
            } else {
                missingNow.add(attemptId);
            }
        }
        missingOnce = missingNow;
        // Re-sent once per two answers that still list it, so a scheduler that lags is not flooded.
        endedNow.removeAll(reReport.stream().map(AssignTask::attemptId).toList());
        endedButListedOnce = endedNow;
        return new Plan(List.copyOf(start), List.copyOf(stop), List.copyOf(reReport));
    }
}
