package dev.holon.scheduler.placement;

import java.util.ArrayList;
import java.util.List;

/** Test fixtures: generated task arrays as the tasks of jobs {@code job-0}, {@code job-1}, ... */
final class TaskArrays {

    private TaskArrays() {
    }

    static List<TaskRequest> asJobs(List<TaskRequest.Builder> arrays) {
        List<TaskRequest> all = new ArrayList<>();
        for (int job = 0; job < arrays.size(); job++) {
            String jobId = "job-" + job;
            arrays.get(job).buildArray().forEach(t -> all.add(new TaskRequest(jobId, t.taskIndex(), t.taskCount(),
                    t.tenant(), t.cpuMillis(), t.memoryMiB(), t.gpus(), t.constraints(), t.affinities(), t.strategy())));
        }
        return all;
    }
}
