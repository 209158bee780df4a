package dev.holon.cli.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holon.cli.CliException;
import dev.holon.cli.ExitCodes;
import dev.holon.cli.http.ApiClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Follows one task's log live (SSE through the scheduler) from its first line until its last attempt ended: waits
 * while the task is not started, resumes a broken stream with {@code Last-Event-ID}, and moves on to a retried
 * attempt. Lines go to {@code out} with {@code prefix}; one follower per task, each on its own thread.
 */
public final class LogFollower {

    private final ApiClient api;
    private final String jobId;
    private final int task;
    private final String prefix;
    private final PrintStream out;
    private final String stream;
    private final Integer tail;

    public LogFollower(ApiClient api, String jobId, int task, String prefix, PrintStream out, String stream, Integer tail) {
        this.api = api;
        this.jobId = jobId;
        this.task = task;
        this.prefix = prefix;
        this.out = out;
        this.stream = stream;
        this.tail = tail;
    }

    public void run() {
        String attemptId = null;
        String lastEventId = null;
        boolean announced = false;
        while (true) {
            JsonNode job = Jobs.get(api, jobId);
            JsonNode current = taskOf(job);
            String state = current.path("state").asText();
            String currentAttempt = current.path("attemptId").asText(null);
            if (attemptId != null && currentAttempt != null && !currentAttempt.equals(attemptId)) {
                attemptId = currentAttempt;
                lastEventId = null;
                synchronized (out) {
                    out.println(prefix + "--- attempt " + current.path("attempt").asInt() + " (" + state + ") ---");
                    out.flush();
                }
            } else if (attemptId == null) {
                attemptId = currentAttempt;
            }
            boolean started = current.hasNonNull("startedAt") || state.equals("RUNNING") || Jobs.TASK_FINAL.contains(state);
            if (!started) {
                if (Jobs.FINAL.contains(job.path("state").asText()) || Jobs.TASK_FINAL.contains(state)) {
                    return;
                }
                Jobs.sleep(Duration.ofMillis(300));
                continue;
            }
            Result result = follow(attemptId, lastEventId);
            lastEventId = result.lastEventId();
            if (result.status() == Status.ENDED) {
                JsonNode after = taskOf(Jobs.get(api, jobId));
                String afterAttempt = after.path("attemptId").asText(null);
                if (afterAttempt != null && !afterAttempt.equals(attemptId)) {
                    continue; // a retry: follow the next attempt
                }
                if (Jobs.TASK_FINAL.contains(after.path("state").asText()) || announced) {
                    return;
                }
                announced = true; // the log ended before the state did: look once more
                Jobs.sleep(Duration.ofMillis(500));
            } else {
                Jobs.sleep(Duration.ofMillis(500));
            }
        }
    }

    private JsonNode taskOf(JsonNode job) {
        for (JsonNode t : job.path("tasks")) {
            if (t.path("index").asInt() == task) {
                return t;
            }
        }
        throw new CliException(ExitCodes.NOT_FOUND, "not found: job " + jobId + " has no task " + task);
    }

    private enum Status { ENDED, BROKEN, NOT_READY }

    private record Result(Status status, String lastEventId) {
    }

    private Result follow(String attemptId, String lastEventId) {
        StringBuilder query = new StringBuilder("/api/v1/jobs/" + Jobs.enc(jobId) + "/tasks/" + task + "/logs?follow=true");
        if (attemptId != null) {
            query.append("&attempt=").append(Jobs.enc(attemptId));
        }
        if (stream != null) {
            query.append("&stream=").append(stream);
        }
        if (tail != null && lastEventId == null) {
            query.append("&tail=").append(tail);
        }
        AtomicReference<String> lastId = new AtomicReference<>(lastEventId);
        AtomicBoolean ended = new AtomicBoolean();
        HttpResponse<InputStream> response;
        try {
            response = api.send(b -> {
                b.uri(api.uri(query.toString())).header("Accept", "text/event-stream").GET();
                if (lastEventId != null) {
                    b.header("Last-Event-ID", lastEventId);
                }
                return b;
            }, ApiClient.STREAM, "the log of task " + task + " of job " + jobId);
        } catch (CliException e) {
            if (e.exitCode() == ExitCodes.CONFLICT || e.exitCode() == ExitCodes.UNREACHABLE
                    || e.exitCode() == ExitCodes.NOT_FOUND && attemptId != null) {
                return new Result(Status.NOT_READY, lastEventId); // not started yet / worker busy / attempt moved on
            }
            throw e;
        }
        try (InputStream body = response.body()) {
            ServerSentEvents.read(body, event -> {
                if ("end".equals(event.type())) {
                    ended.set(true);
                    return false;
                }
                if (event.id() != null) {
                    lastId.set(event.id());
                }
                synchronized (out) {
                    for (String line : event.data().split("\n", -1)) {
                        out.println(prefix + line);
                    }
                    out.flush();
                }
                return true;
            });
        } catch (IOException e) {
            return new Result(Status.BROKEN, lastId.get());
        }
        return new Result(ended.get() ? Status.ENDED : Status.BROKEN, lastId.get());
    }
}
