package dev.holon.localcluster.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to start one OS process again: kept in the cluster state file so that a later
 * `holon` command (or a test that attached to the cluster) can restart a process it did not start.
 */
public record ProcessSpec(String name, List<String> command, Map<String, String> environment,
                          Path workingDirectory, Path logFile) {

    public ProcessSpec {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }
}
