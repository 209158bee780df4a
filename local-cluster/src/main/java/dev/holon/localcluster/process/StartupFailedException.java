package dev.holon.localcluster.process;

/** A process did not become ready in time or died while starting; the message carries its log tail. */
public class StartupFailedException extends RuntimeException {

    public StartupFailedException(String message) {
        super(message);
    }

    public StartupFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
