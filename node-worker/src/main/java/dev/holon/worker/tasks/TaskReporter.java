package dev.holon.worker.tasks;

import dev.holon.contracts.task.TaskEvent;

/** Where the worker reports what became of the attempts it runs (Kafka in the service, a list in tests). */
public interface TaskReporter {

    void report(TaskEvent event, String tenant);
}
