package dev.holon.scheduler.task;

import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.node.NodeEvent;
import dev.holon.contracts.task.TaskEvent;
import dev.holon.scheduler.job.JobRepository;
import dev.holon.scheduler.job.JobRepository.JobRow;
import dev.holon.scheduler.job.JobRepository.TaskRow;
import dev.holon.support.kafka.ProcessedEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Instant;

/**
 * What the rest of Holon tells the scheduler about tasks: worker reports on {@code holon.task.events}
 * (TaskStarted -> RUNNING, TaskExited -> SUCCEEDED/FAILED, with the attempt's resource usage) and NodeDown or
 * NodeDrainRequested on {@code holon.node.events} (its tasks become LOST and get a new attempt, see
 * {@link NodeEvacuation}). Idempotent:
 * each envelope is handled once ({@link ProcessedEvents}), in the transaction of its change, under the job's row
 * lock; reports about an old attempt are recorded and ignored.
 */
@Component
public class TaskReports {

    private static final Logger log = LoggerFactory.getLogger(TaskReports.class);
    private static final String CONSUMER = "scheduler.task-reports";

    private final JobRepository jobs;
    private final TaskTransitions transitions;
    private final ProcessedEvents processed;
    private final NodeEvacuation evacuation;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    public TaskReports(JobRepository jobs, TaskTransitions transitions, ProcessedEvents processed,
            NodeEvacuation evacuation, ApplicationEventPublisher events, Clock clock) {
        this.jobs = jobs;
        this.events = events;
        this.evacuation = evacuation;
        this.transitions = transitions;
        this.processed = processed;
        this.clock = clock;
    }

    @KafkaListener(topics = Topics.TASK_EVENTS, groupId = "${spring.application.name}",
            properties = "auto.offset.reset=earliest")
    @Transactional
    public void onTaskEvent(EventEnvelope<Object> envelope) {
        Object data = envelope.data();
        if (!(data instanceof TaskEvent.TaskStarted) && !(data instanceof TaskEvent.TaskExited)) {
            return; // our own TaskStateChanged, or something newer than this scheduler
        }
        if (!processed.firstDelivery(CONSUMER, envelope.id())) {
            return;
        }
        TaskEvent report = (TaskEvent) data;
        TaskRow seen = jobs.findTask(report.taskId()).orElse(null);
        if (seen == null || !seen.jobId().equals(report.jobId())) {
            log.warn("{} for unknown task {} of job {}", envelope.type(), report.taskId(), report.jobId());
            return;
        }
        JobRow job = jobs.lock(seen.jobId()).orElseThrow();
        TaskRow task = jobs.findTask(seen.id()).orElseThrow();
        Instant now = clock.instant();
        TaskRow after = switch (report) {
            case TaskEvent.TaskStarted started -> transitions.apply(job, task,
                    new TaskStateMachine.Input.Start(started.attemptId()), null, orNow(started.startedAt(), now));
            case TaskEvent.TaskExited exited -> transitions.apply(job, task,
                    new TaskStateMachine.Input.Exit(exited.attemptId(), exited.exitCode(), exited.reason()), null,
                    orNow(exited.finishedAt(), now));
            default -> task;
        };
        boolean applied = after != task;
        jobs.recordReport(envelope.id(), task.id(), report.attemptId(), envelope.type(), applied, now);
        if (applied) {
            if (report instanceof TaskEvent.TaskExited exited) {
                jobs.recordUsage(exited.attemptId(), exited.cpuMillisUsed(), exited.peakMemoryBytes());
            }
            jobs.refreshState(job.id(), now);
        } else {
            log.debug("Ignored {} for attempt {} of task {} (current attempt {} is {})", envelope.type(),
                    report.attemptId(), task.id(), task.attemptId(), task.state());
        }
    }

    @KafkaListener(topics = Topics.NODE_EVENTS, groupId = "${spring.application.name}",
            properties = "auto.offset.reset=earliest")
    @Transactional
    public void onNodeEvent(EventEnvelope<Object> envelope) {
        String nodeId;
        String reason;
        switch (envelope.data()) {
            case NodeEvent.NodeDown down -> {
                nodeId = down.nodeId();
                reason = "node " + nodeId + " is DOWN";
            }
            case NodeEvent.NodeRemoved removed -> {
                nodeId = removed.nodeId();
                reason = "node " + nodeId + " was removed from the cluster";
            }
            case NodeEvent.NodeDrainRequested drain -> {
                nodeId = drain.nodeId();
                reason = "node " + nodeId + " is draining";
            }
            default -> {
                // capacity may have appeared or gone (a node joined, came back, was uncordoned): fresh view, new pass
                events.publishEvent(new NodesChanged(envelope.subject()));
                return;
            }
        }
        if (!processed.firstDelivery(CONSUMER, envelope.id())) {
            return;
        }
        // Only tasks placed there before the event: a replayed old NodeDown or drain spares new work.
        Instant declaredAt = envelope.time() == null ? clock.instant() : envelope.time();
        int moved = evacuation.evacuate(nodeId, declaredAt, reason);
        log.info("{}: {} task(s) moved to new attempts", reason, moved);
    }

    private static Instant orNow(Instant reported, Instant now) {
        return reported == null ? now : reported;
    }
}
