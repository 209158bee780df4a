package dev.holon.scheduler.placement;

/** How a task prefers its node among the feasible ones: the fullest that fits (BINPACK) or the emptiest (SPREAD). */
public enum Strategy {
    BINPACK, SPREAD
}
