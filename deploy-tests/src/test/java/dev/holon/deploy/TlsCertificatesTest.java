package dev.holon.deploy;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.holon.deploy.Yamls.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs deploy/tls/make-certs.sh (the documented command) and checks that it writes every file docker-compose.yml
 * refers to, and that the certificates are what the clients verify: signed by the CA, for the host names the
 * services connect to.
 */
class TlsCertificatesTest {

    @TempDir
    Path out;

    @Test
    void makeCertsWritesEveryFileComposeUsesWithTheRightNames() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed: make-certs.sh was not run");
        ProcessBuilder pb = new ProcessBuilder("bash", Repository.path("deploy/tls/make-certs.sh").toString(), out.toString())
                .redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();

        // Every file under /tls (and Kafka's /etc/kafka/secrets) that compose names.
        Map<String, Object> compose = new Yaml().load(Repository.read(Repository.path("docker-compose.yml")));
        List<String> named = new ArrayList<>();
        String text = Repository.read(Repository.path("docker-compose.yml"));
        var m = java.util.regex.Pattern.compile("/tls/([a-z0-9_.-]+\\.(?:crt|key|p12))").matcher(text);
        while (m.find()) {
            named.add(m.group(1));
        }
        map(compose, "services", "kafka", "environment").forEach((k, v) -> {
            if (k.startsWith("KAFKA_SSL_") && (k.endsWith("_FILENAME") || k.endsWith("_CREDENTIALS"))) {
                named.add(String.valueOf(v));
            }
        });
        assertThat(named).contains("ca.crt", "postgres.crt", "postgres.key", "truststore.p12", "kafka.p12");
        for (String file : named) {
            assertThat(out.resolve(file)).as("make-certs.sh writes %s", file).isRegularFile();
        }

        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        X509Certificate ca;
        try (InputStream in = new FileInputStream(out.resolve("ca.crt").toFile())) {
            ca = (X509Certificate) x509.generateCertificate(in);
        }
        for (String leaf : List.of("postgres", "kafka")) {
            try (InputStream in = new FileInputStream(out.resolve(leaf + ".crt").toFile())) {
                X509Certificate cert = (X509Certificate) x509.generateCertificate(in);
                cert.verify(ca.getPublicKey());
                assertThat(cert.getSubjectAlternativeNames()).anySatisfy(san -> assertThat(san.get(1)).isEqualTo(leaf));
            }
        }
        String password = Files.readString(out.resolve("truststore.password"));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(out.resolve("truststore.p12").toFile())) {
            trust.load(in, password.toCharArray());
        }
        assertThat(trust.getCertificate("holon-ca")).isEqualTo(ca);
        assertThat(password).isEqualTo(map(compose, "x-holon-service", "environment").get("SPRING_KAFKA_SSL_TRUST_STORE_PASSWORD")
                .toString().replaceAll("\\$\\{[A-Z_]+:-([^}]*)}", "$1"));
    }
}
