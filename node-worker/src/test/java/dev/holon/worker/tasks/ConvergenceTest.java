package dev.holon.worker.tasks;

import dev.holon.contracts.task.AssignTask;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class ConvergenceTest {

    private final Convergence convergence = new Convergence();

    private static AssignTask assign(String attemptId) {
        return new AssignTask("task-" + attemptId, attemptId, "job-1", 0, 1, "node-a", 1, List.of("true"), Map.of(),
                100, 64, 0, 0, "default", List.of(), null);
    }

    private static Function<String, Convergence.Local> known(Map<String, Convergence.Local> local) {
        return attemptId -> local.getOrDefault(attemptId, Convergence.Local.UNKNOWN);
    }

    @Test
    void startsListedAttemptsNeverSeenHereButNotRunningOrEndedOnes() {
        Convergence.Plan plan = convergence.plan(List.of(assign("new"), assign("runs"), assign("ended"),
                assign("leftover")), Set.of("runs"), known(Map.of("runs", Convergence.Local.RUNNING,
                "ended", Convergence.Local.ENDED, "leftover", Convergence.Local.RUNNING)));

        assertThat(plan.start()).extracting(AssignTask::attemptId).containsExactly("new");
        assertThat(plan.stop()).isEmpty();
        assertThat(plan.reReport()).isEmpty();
    }

    @Test
    void stopsARunningAttemptOnlyWhenTwoAnswersInARowDoNotListIt() {
        assertThat(convergence.plan(List.of(), Set.of("a"), known(Map.of())).stop()).isEmpty();

        assertThat(convergence.plan(List.of(), Set.of("a"), known(Map.of())).stop()).containsExactly("a");
    }

    @Test
    void anAttemptListedAgainBetweenTwoMissesStartsCountingAfresh() {
        convergence.plan(List.of(), Set.of("a"), known(Map.of()));
        convergence.plan(List.of(assign("a")), Set.of("a"), known(Map.of()));

        assertThat(convergence.plan(List.of(), Set.of("a"), known(Map.of())).stop()).isEmpty();
        assertThat(convergence.plan(List.of(), Set.of("a"), known(Map.of())).stop()).containsExactly("a");
    }

    @Test
    void aMissOfAnotherAttemptDoesNotCountForANewOne() {
        convergence.plan(List.of(), Set.of("a"), known(Map.of()));

        Convergence.Plan plan = convergence.plan(List.of(), Set.of("b"), known(Map.of()));

        assertThat(plan.stop()).isEmpty();
    }

    @Test
    void reportsAnEndedAttemptAgainWhenTwoAnswersInARowStillListIt() {
        Map<String, Convergence.Local> local = Map.of("done", Convergence.Local.ENDED);

        assertThat(convergence.plan(List.of(assign("done")), Set.of(), known(local)).reReport()).isEmpty();
        assertThat(convergence.plan(List.of(assign("done")), Set.of(), known(local)).reReport())
                .extracting(AssignTask::attemptId).containsExactly("done");
        assertThat(convergence.plan(List.of(assign("done")), Set.of(), known(local)).reReport())
                .as("not on every answer: every other one").isEmpty();
        assertThat(convergence.plan(List.of(assign("done")), Set.of(), known(local)).reReport()).hasSize(1);
    }

    @Test
    void anEndedAttemptNoLongerListedIsNotReported() {
        Map<String, Convergence.Local> local = Map.of("done", Convergence.Local.ENDED);
        convergence.plan(List.of(assign("done")), Set.of(), known(local));

        assertThat(convergence.plan(List.of(), Set.of(), known(local)).isEmpty()).isTrue();
        assertThat(convergence.plan(List.of(assign("done")), Set.of(), known(local)).reReport()).isEmpty();
    }

    @Test
    void aDuplicateListingStartsOnce() {
        assertThat(convergence.plan(List.of(assign("x"), assign("x")), Set.of(), known(Map.of())).start()).hasSize(1);
    }
}
