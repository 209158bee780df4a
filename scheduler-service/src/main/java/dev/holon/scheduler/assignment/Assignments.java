package dev.holon.scheduler.assignment;

import dev.holon.contracts.task.AssignTask;
import dev.holon.contracts.task.NodeAssignments;
import dev.holon.scheduler.job.JobRepository;
import dev.holon.scheduler.job.JobRequest;
import dev.holon.scheduler.job.JobRepository.JobRow;
import dev.holon.scheduler.job.JobRepository.TaskRow;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a node should run: the {@code AssignTask} the leader sends when it places an attempt, and the same commands
 * for every attempt that should be on a node now ({@link NodeAssignments}), which workers poll to converge.
 */
@Service
public class Assignments {

    private final JobRepository jobs;
    private final Clock clock;

    public Assignments(JobRepository jobs, Clock clock) {
        this.jobs = jobs;
        this.clock = clock;
    }

    /**
     * The command for the task's attempt on the node, fenced by the epoch it was placed under; a script job's
     * program is {@code /bin/sh -c <script>}, so workers need not know scripts.
     */
    public static AssignTask command(JobRow job, TaskRow task, String nodeId, long fencingToken) {
        return new AssignTask(task.id(), task.attemptId(), job.id(), task.index(), job.count(), nodeId, fencingToken,
                JobRequest.program(job.command(), job.script()), job.env(), job.cpuMillis(), job.memoryMiB(), job.gpus(),
                job.timeoutSeconds(), job.tenant(), job.inputs(), job.outputDir());
    }

    /** Every SCHEDULED or RUNNING attempt on the node, fenced by the newest epoch; one snapshot for both. */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public NodeAssignments forNode(String nodeId) {
        long epoch = jobs.currentEpoch();
        Map<String, JobRow> byId = new HashMap<>();
        List<AssignTask> items = jobs.activeOnNode(nodeId).stream()
                .map(task -> command(byId.computeIfAbsent(task.jobId(), id -> jobs.findById(id).orElseThrow()), task,
                        nodeId, task.fencingToken() == null ? epoch : task.fencingToken()))
                .toList();
        return new NodeAssignments(nodeId, epoch, clock.instant(), items);
    }
}
