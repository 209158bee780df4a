package dev.holon.worker.tasks;

import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.task.AssignTask;
import dev.holon.contracts.task.CancelTask;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * Consumes {@code holon.task.assignments} in a consumer group of its own ({@code node-worker-<nodeId>}), so this
 * worker sees every partition; records keyed by another node id are skipped by key. {@code earliest}: a worker that
 * was away catches up; attempts that already ran here are not run again (see {@link TaskAssignments}).
 */
class TaskAssignmentListener {

    private final TaskAssignments assignments;

    TaskAssignmentListener(TaskAssignments assignments) {
        this.assignments = assignments;
    }

    /** Read by the listener annotation (SpEL {@code __listener}). */
    public String getGroupId() {
        return "node-worker-" + assignments.nodeId();
    }

    @KafkaListener(topics = Topics.TASK_ASSIGNMENTS, groupId = "#{__listener.groupId}",
            properties = "auto.offset.reset=earliest")
    void onCommand(ConsumerRecord<String, EventEnvelope<Object>> record) {
        if (!assignments.isForThisNode(record.key()) || record.value() == null) {
            return;
        }
        switch (record.value().data()) {
            case AssignTask assign -> assignments.assign(assign);
            case CancelTask cancel -> assignments.cancel(cancel);
            case null, default -> { }
        }
    }
}
