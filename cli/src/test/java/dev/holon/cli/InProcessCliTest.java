package dev.holon.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

/** A test of the command line in-process: a fresh {@link TestCli} (stand-in gateway and Keycloak) per test. */
abstract class InProcessCliTest {

    @TempDir
    Path home;
    TestCli cli;

    @BeforeEach
    void startCli() throws IOException {
        cli = new TestCli(home);
    }

    @AfterEach
    void stopCli() {
        cli.close();
    }
}
