package dev.holon.registry;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Failure detection timing and audit volume ({@code holon.registry.*}).
 *
 * @param suspectAfter  silence after which a node is SUSPECT (not yet given up on)
 * @param downAfter     silence after which a node is DOWN and its work and data move elsewhere
 * @param sweepInterval how often the registry looks for silent nodes; bounds how late a transition can be
 * @param probeTimeout  how long a node whose silence reached {@code downAfter} has to answer at its address before
 *                      it is DOWN (a dead process refuses at once; a dead machine costs this much)
 * @param probeGrace    how long a node that answers but sends no heartbeat stays SUSPECT before it is DOWN anyway:
 *                      a stalled heartbeat consumer recovers well within it, a worker cut off from the broker and
 *                      the registry's REST endpoint does not (it cannot get work either)
 * @param heartbeatRejectionAuditInterval at most one {@code node.heartbeat-rejected} audit fact per removed node
 *                      per this interval, however often it beats
 */
@Validated
@ConfigurationProperties("holon.registry")
public record RegistryProperties(
        @NotNull @DefaultValue("PT2S") Duration suspectAfter,
        @NotNull @DefaultValue("PT4S") Duration downAfter,
        @NotNull @DefaultValue("PT0.25S") Duration sweepInterval,
        @NotNull @DefaultValue("PT1S") Duration probeTimeout,
        @NotNull @DefaultValue("PT1M") Duration probeGrace,
        @NotNull @DefaultValue("PT1M") Duration heartbeatRejectionAuditInterval) {
}
