package dev.holon.worker.execution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A worker-like JVM for tests that need a second process: its own environment, or a worker that dies.
 * {@code main(mode, root, attemptId)}: mode {@code env} runs {@code env -0} and exits when it ends; mode
 * {@code hang} starts {@code sh -c 'sleep 60 & sleep 60'} and waits until it is killed. {@code main("scripts", root,
 * attemptId, script, attemptId, script, ...)} starts each {@code sh -c script} as attempt {@code i} of the job
 * {@code j1}, prints {@value #ALL_STARTED} and waits until it is killed.
 */
public final class WorkerJvm {

    public static final String ALL_STARTED = "all attempts started";

    private WorkerJvm() {
    }

    public static void main(String[] args) throws Exception {
        TaskRunner runner = new TaskRunner(SandboxOptions.defaults(Path.of(args[1])));
        if (args[0].equals("scripts")) {
            for (int i = 2; i + 1 < args.length; i += 2) {
                runner.start(new TaskSpec("task-" + args[i], args[i], "j1", 0, 1, List.of("sh", "-c", args[i + 1]),
                        Map.of(), 100, 64, null, "tenant-a"));
            }
            System.out.println(ALL_STARTED);
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
        List<String> command = args[0].equals("env") ? List.of("env", "-0") : List.of("sh", "-c", "sleep 60 & sleep 60");
        TaskSpec spec = new TaskSpec("t1", args[2], "j1", 0, 1, command, Map.of("OWN", "mine"), 100, 64, null,
                "tenant-a");
        RunningTask task = runner.start(spec);
        if (args[0].equals("env")) {
            TaskResult result = task.result().get(20, TimeUnit.SECONDS);
            runner.close();
            System.exit(result.succeeded() ? 0 : 3);
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    public static ProcessBuilder builder(Path log, String... args) {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                WorkerJvm.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    }

    public static String log(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
