package dev.holon.worker.registration;

import dev.holon.worker.PrivateFile;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The client credentials auth-service gave this node when it redeemed its enrolment token, kept in
 * {@code <data-dir>/node-credentials} (0600, like every file of the data directory): a restarted worker is the same
 * client without a new token. Plain Java.
 */
public final class NodeCredentialsFile {

    public static final String FILE_NAME = "node-credentials";

    /** A node's own Keycloak client. */
    public record Stored(String clientId, String clientSecret) {

        @Override
        public String toString() {
            return "Stored[clientId=" + clientId + ", clientSecret=***]";
        }
    }

    private NodeCredentialsFile() {
    }

    public static Optional<Stored> read(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            Properties properties = new Properties();
            properties.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            String clientId = properties.getProperty("client-id", "");
            String clientSecret = properties.getProperty("client-secret", "");
            if (clientId.isBlank() || clientSecret.isBlank()) {
                throw new IllegalStateException("The node credentials file " + file + " lacks client-id or"
                        + " client-secret. Restore it, or remove the node (holon nodes remove) and enrol this machine"
                        + " again with a new data directory.");
            }
            return Optional.of(new Stored(clientId, clientSecret));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the node credentials in " + file + ": " + e.getMessage(), e);
        }
    }

    public static void write(Path dataDir, Stored credentials) {
        Properties properties = new Properties();
        properties.setProperty("client-id", credentials.clientId());
        properties.setProperty("client-secret", credentials.clientSecret());
        StringWriter text = new StringWriter();
        Path file = dataDir.resolve(FILE_NAME);
        try {
            properties.store(text, "This node's own Keycloak client, from its enrolment. Keep it secret.");
            PrivateFile.write(file, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the node credentials to " + file + ": " + e.getMessage(), e);
        }
    }
}
