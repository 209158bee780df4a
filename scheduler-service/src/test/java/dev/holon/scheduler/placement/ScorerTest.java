package dev.holon.scheduler.placement;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The scorers one by one. */
class ScorerTest {

    @Test
    void binpackPrefersFullerNodesAndSpreadEmptierOnes() {
        double fullerBinpack = ResourceFitScorer.score(Strategy.BINPACK, 0.1, 0.2, -1);
        double emptierBinpack = ResourceFitScorer.score(Strategy.BINPACK, 0.8, 0.7, -1);
        assertThat(fullerBinpack).isGreaterThan(emptierBinpack);
        double fullerSpread = ResourceFitScorer.score(Strategy.SPREAD, 0.1, 0.2, -1);
        double emptierSpread = ResourceFitScorer.score(Strategy.SPREAD, 0.8, 0.7, -1);
        assertThat(emptierSpread).isGreaterThan(fullerSpread);
    }

    @Test
    void fitScoresRunFromZeroToOne() {
        assertThat(ResourceFitScorer.score(Strategy.BINPACK, 0, 0, -1)).isCloseTo(1, within(1e-12));
        assertThat(ResourceFitScorer.score(Strategy.BINPACK, 1, 1, -1)).isCloseTo(0, within(1e-12));
        assertThat(ResourceFitScorer.score(Strategy.SPREAD, 1, 1, 1)).isCloseTo(1, within(1e-12));
        assertThat(ResourceFitScorer.score(Strategy.SPREAD, 0, 0, 0)).isCloseTo(0, within(1e-12));
        assertThat(ResourceFitScorer.score(Strategy.BINPACK, -0.5, 1.5, -1)).isBetween(0.0, 1.0);
    }

    @Test
    void gpusCountOnlyWhenAsked() {
        assertThat(ResourceFitScorer.score(Strategy.BINPACK, 0.5, 0.5, 0))
                .isGreaterThan(ResourceFitScorer.score(Strategy.BINPACK, 0.5, 0.5, 1));
        assertThat(ResourceFitScorer.freeFractionAfter(8000, 4000, 1000)).isCloseTo(0.375, within(1e-12));
        assertThat(ResourceFitScorer.freeFractionAfter(0, 0, 0)).isZero();
    }

    @Test
    void antiAffinityGrowsWithTheJobsTasksOnTheNode() {
        assertThat(JobAntiAffinityScorer.penalty(1, 10)).isCloseTo(-0.2, within(1e-12));
        assertThat(JobAntiAffinityScorer.penalty(3, 10)).isCloseTo(-0.4, within(1e-12));
        assertThat(JobAntiAffinityScorer.penalty(5, 1)).isEqualTo(-1.0);
    }

    @Test
    void affinitiesWeighMatchesAgainstAllWeights() {
        List<Affinity> affinities = List.of(Affinity.parse("disk=ssd", 50), Affinity.parse("zone=a", -50));
        assertThat(AffinityScorer.score(affinities, Map.of("disk", "ssd"))).isCloseTo(0.5, within(1e-12));
        assertThat(AffinityScorer.score(affinities, Map.of("disk", "ssd", "zone", "a"))).isCloseTo(0, within(1e-12));
        assertThat(AffinityScorer.score(affinities, Map.of("zone", "a"))).isCloseTo(-0.5, within(1e-12));
        assertThat(AffinityScorer.score(List.of(), Map.of())).isZero();
    }

    @Test
    void theReschedulePenaltyHitsOnlyTheNodesOfEarlierAttempts() {
        TaskRequest retry = TaskRequest.builder("job").build().withPreviousNodes(java.util.Set.of("n1", "n2"));
        assertThat(ReschedulePenaltyScorer.penalises(retry, "n1")).isTrue();
        assertThat(ReschedulePenaltyScorer.penalises(retry, "n3")).isFalse();
        assertThat(ReschedulePenaltyScorer.penalises(TaskRequest.builder("job").build(), "n1")).isFalse();
        assertThat(ReschedulePenaltyScorer.PENALTY).isEqualTo(-1.0);
    }
}
