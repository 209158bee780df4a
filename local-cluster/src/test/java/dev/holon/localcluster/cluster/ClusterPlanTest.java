package dev.holon.localcluster.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterPlanTest {

    @TempDir
    Path repository;

    @TempDir
    Path home;

    private ClusterPlan plan(int portBase) {
        return new ClusterPlan(ClusterOptions.builder().home(home).repository(repository).portBase(portBase).build());
    }

    @Test
    void plansTheServicesThenThreeWorkersInStartOrder() {
        List<ClusterPlan.PlannedService> services = plan(8080).services();

        assertThat(services).extracting(ClusterPlan.PlannedService::name).containsExactly("config-service",
                "registry-service", "scheduler-service", "auth-service", "gateway-service", "storage-service", "node-1",
                "node-2", "node-3");
        assertThat(services).extracting(ClusterPlan.PlannedService::stage).containsExactly(3, 4, 4, 4, 4, 4, 5, 5, 5);
        assertThat(services.get(3).port()).isEqualTo(8890);
        assertThat(services.get(3).jar()).isEqualTo(repository.resolve("auth-service/target/auth-service.jar"));
    }

    @Test
    void onlyTheServicesFileBytesGoThroughKeepTheFullJit() {
        List<String> quickStart = plan(8080).services().stream()
                .filter(service -> ClusterPlan.compilerOptions(service.module()).contains("-XX:TieredStopAtLevel=1"))
                .map(ClusterPlan.PlannedService::name).toList();

        assertThat(quickStart).containsExactly("config-service", "registry-service", "scheduler-service",
                "auth-service");
        assertThat(ClusterOptions.DEFAULT_SERVICE_JVM_OPTIONS).noneMatch(option -> option.startsWith("-XX:Tiered"));
    }

    @Test
    void everyServiceLearnsWhereTheRestOfTheClusterIs() {
        ClusterPlan.PlannedService registry = plan(28080).services().get(1);

        assertThat(registry.environment())
                .containsEntry("HOLON_CONFIG_URI", "http://localhost:28888")
                .containsEntry("HOLON_DB_URL", "jdbc:postgresql://localhost:35432/holon")
                .containsEntry("HOLON_DB_USER", "postgres")
                .containsEntry("HOLON_DB_PASSWORD", "postgres")
                .containsEntry("HOLON_KAFKA_BOOTSTRAP", "localhost:39092")
                .containsEntry("HOLON_ISSUER_URI", "http://localhost:28180/realms/holon")
                .containsEntry("HOLON_REGISTRY_URL", "http://localhost:28081")
                .containsEntry("HOLON_SCHEDULER_URL", "http://localhost:28082")
                .containsEntry("HOLON_STORAGE_URL", "http://localhost:28889")
                .containsEntry("HOLON_AUTH_URL", "http://localhost:28890")
                .containsEntry("SERVER_PORT", "28081");
        assertThat(registry.healthUrl()).isEqualTo("http://localhost:28081/actuator/health");
    }

    @Test
    void schedulerReplicasStartBesideTheFirstAndEveryoneKnowsThemAll() {
        ClusterPlan plan = new ClusterPlan(ClusterOptions.builder().home(home).repository(repository).portBase(28080)
                .schedulerReplicas(2).build());
        List<ClusterPlan.PlannedService> services = plan.services();

        assertThat(services).extracting(ClusterPlan.PlannedService::name).containsExactly("config-service",
                "registry-service", "scheduler-service", "scheduler-service-2", "auth-service", "gateway-service",
                "storage-service", "node-1", "node-2", "node-3");
        ClusterPlan.PlannedService second = services.get(3);
        assertThat(second.module()).isEqualTo("scheduler-service");
        assertThat(second.stage()).isEqualTo(4);
        assertThat(second.port()).isEqualTo(28083);
        assertThat(second.jar()).isEqualTo(repository.resolve("scheduler-service/target/scheduler-service.jar"));
        assertThat(second.environment()).containsEntry("SERVER_PORT", "28083");
        assertThat(services).allSatisfy(service -> assertThat(service.environment())
                .containsEntry("HOLON_SCHEDULER_URL", "http://localhost:28082,http://localhost:28083"));
    }

    @Test
    void configServiceReadsTheRepositorysConfigFolder() {
        ClusterPlan.PlannedService config = plan(8080).services().getFirst();

        assertThat(config.environment()).containsEntry("HOLON_CONFIG_DIR", repository.resolve("config").toString());
    }

    @Test
    void eachWorkerHasItsOwnDataDirectoryZoneAndPort() {
        ClusterPlan.PlannedService node2 = plan(8080).services().get(7);

        assertThat(node2.name()).isEqualTo("node-2");
        assertThat(node2.port()).isEqualTo(8092);
        assertThat(node2.environment())
                .containsEntry("HOLON_WORKER_DATA_DIR", home.resolve("data/workers/node-2").toString())
                .containsEntry("HOLON_WORKER_LABELS", "zone=b")
                .containsEntry("SERVER_PORT", "8092");
        assertThat(node2.jar()).isEqualTo(repository.resolve("node-worker/target/node-worker.jar"));
    }

    @Test
    void aServiceWhoseJarIsMissingIsMarkedSo() throws Exception {
        Files.createDirectories(repository.resolve("gateway-service/target"));
        Files.writeString(repository.resolve("gateway-service/target/gateway-service.jar"), "jar");

        List<ClusterPlan.PlannedService> services = plan(8080).services();

        assertThat(services.get(4).jarPresent()).isTrue();
        assertThat(services.get(0).jarPresent()).isFalse();
    }

    @Test
    void progressNamesLineUp() {
        assertThat(LocalCluster.dots("keycloak")).isEqualTo("keycloak ..........");
        assertThat(LocalCluster.dots("registry-service")).hasSize(19);
    }
}
