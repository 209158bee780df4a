package dev.holon.scheduler.placement;

import java.util.List;

/** The outcome of placing tasks against one snapshot, one entry per task in the order they were placed. */
public record PlacementPlan(List<TaskPlacement> placements) {

    public PlacementPlan {
        placements = List.copyOf(placements);
    }

    public List<TaskPlacement.Placed> placed() {
        return placements.stream().filter(TaskPlacement.Placed.class::isInstance).map(TaskPlacement.Placed.class::cast).toList();
    }

    public List<TaskPlacement.Pending> pending() {
        return placements.stream().filter(TaskPlacement.Pending.class::isInstance).map(TaskPlacement.Pending.class::cast).toList();
    }

    public int placedCount() {
        return (int) placements.stream().filter(TaskPlacement.Placed.class::isInstance).count();
    }

    public int pendingCount() {
        return placements.size() - placedCount();
    }
}
