package dev.holon.worker.execution;

/** The two captured outputs of a task, each a file in the attempt's directory. */
public enum LogStream {
    STDOUT("stdout.log"),
    STDERR("stderr.log");

    private final String fileName;

    LogStream(String fileName) {
        this.fileName = fileName;
    }

    public String fileName() {
        return fileName;
    }
}
