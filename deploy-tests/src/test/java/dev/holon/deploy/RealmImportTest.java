package dev.holon.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * k8s/base/infrastructure/holon-realm-import.yaml is generated from the one realm file that `holon up` and docker
 * compose import; this fails when the two drift apart and, with -Dholon.deploy.regenerate=true, rewrites it.
 */
class RealmImportTest {

    static final String SOURCE = "local-cluster/src/main/resources/keycloak/holon-realm.json";
    static final String TARGET = "k8s/base/infrastructure/holon-realm-import.yaml";

    static String generate() {
        List<String> out = new ArrayList<>(List.of(
                "# GENERATED from " + SOURCE + " (the realm `holon up` and docker compose",
                "# import) — do not edit. After a change there: ./mvnw -B -q -pl deploy-tests test -Dholon.deploy.regenerate=true",
                "apiVersion: k8s.keycloak.org/v2alpha1",
                "kind: KeycloakRealmImport",
                "metadata:",
                "  name: holon-realm",
                "spec:",
                "  keycloakCRName: keycloak",
                "  realm:"));
        String json = Repository.read(Repository.path(SOURCE)).stripTrailing();
        for (String line : json.split("\n", -1)) {
            out.add(line.isEmpty() ? "" : "    " + line);
        }
        return String.join("\n", out) + "\n";
    }

    @Test
    void theRealmImportIsGeneratedFromTheOneRealmFile() throws Exception {
        Path target = Repository.path(TARGET);
        String expected = generate();
        if (Boolean.getBoolean("holon.deploy.regenerate")) {
            Files.writeString(target, expected);
        }
        assertThat(Repository.read(target))
                .as("%s is out of date with %s: run ./mvnw -B -q -pl deploy-tests test -Dholon.deploy.regenerate=true", TARGET, SOURCE)
                .isEqualTo(expected);
    }
}
