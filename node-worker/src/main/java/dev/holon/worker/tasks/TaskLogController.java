package dev.holon.worker.tasks;

import dev.holon.worker.execution.LogStream;
import dev.holon.worker.execution.TaskLogs;
import dev.holon.worker.execution.TaskSpec;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.io.IOException;
import java.nio.file.NoSuchFileException;

/**
 * {@code GET /api/v1/tasks/{attemptId}/logs?stream=stdout|stderr&tail=N}: the captured output of an attempt that
 * runs or ran on this worker, as text/plain (whole log without {@code tail}). Bearer token with role service, user,
 * operator or admin.
 */
@RestController
@PreAuthorize("hasAnyRole('service', 'user', 'operator', 'admin')")
class TaskLogController {

    private final TaskLogs logs;

    TaskLogController(TaskLogs logs) {
        this.logs = logs;
    }

    @GetMapping(path = "/api/v1/tasks/{attemptId}/logs", produces = MediaType.TEXT_PLAIN_VALUE)
    String logs(@PathVariable String attemptId, @RequestParam(defaultValue = "stdout") String stream,
                @RequestParam(required = false) Integer tail) throws IOException {
        if (!TaskSpec.isSafeId(attemptId)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "not an attempt id: " + attemptId);
        }
        LogStream which = switch (stream) {
            case "stdout" -> LogStream.STDOUT;
            case "stderr" -> LogStream.STDERR;
            default -> throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "stream must be stdout or stderr");
        };
        if (tail != null && tail < 0) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "tail must not be negative");
        }
        try {
            if (tail == null) {
                return logs.read(attemptId, which);
            }
            StringBuilder text = new StringBuilder();
            logs.tail(attemptId, which, tail).forEach(line -> text.append(line).append('\n'));
            return text.toString();
        } catch (NoSuchFileException e) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no attempt " + attemptId + " on this worker");
        }
    }
}
