package dev.holon.localcluster.cluster;

import dev.holon.localcluster.infra.KeycloakServer;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PortPlanTest {

    @Test
    void defaultPortsAreTheDocumentedOnes() {
        PortPlan plan = PortPlan.defaults(3);

        assertThat(plan.gateway()).isEqualTo(8080);
        assertThat(plan.registry()).isEqualTo(8081);
        assertThat(plan.scheduler()).isEqualTo(8082);
        assertThat(plan.config()).isEqualTo(8888);
        assertThat(plan.keycloak()).isEqualTo(8180);
        assertThat(plan.postgres()).isEqualTo(15432);
        assertThat(plan.kafka()).isEqualTo(19092);
        assertThat(plan.kafkaController()).isEqualTo(19093);
        assertThat(plan.workers()).containsExactly(8091, 8092, 8093);
    }

    @Test
    void portBaseShiftsEveryPortByTheSameAmount() {
        PortPlan plan = PortPlan.forBase(28080, 3);

        assertThat(plan.gateway()).isEqualTo(28080);
        assertThat(plan.registry()).isEqualTo(28081);
        assertThat(plan.scheduler()).isEqualTo(28082);
        assertThat(plan.config()).isEqualTo(28888);
        assertThat(plan.keycloak()).isEqualTo(28180);
        assertThat(plan.postgres()).isEqualTo(35432);
        assertThat(plan.kafka()).isEqualTo(39092);
        assertThat(plan.kafkaController()).isEqualTo(39093);
        assertThat(plan.worker(2)).isEqualTo(28092);
    }

    @Test
    void everyPortHasOneOwner() {
        Map<Integer, String> owners = PortPlan.forBase(20080, 3).owners();

        assertThat(owners).hasSize(13);
        assertThat(owners).containsEntry(20180, "keycloak").containsEntry(20093, "node-3").containsEntry(20889, "storage-service")
                .containsEntry(20890, "auth-service")
                .containsEntry(31093, "kafka controller").containsEntry(20082, "scheduler-service");
    }

    @Test
    void schedulerReplicasTakeTheFreePortsAfterTheFirstOne() {
        PortPlan plan = PortPlan.forBase(28080, 3, 2);

        assertThat(plan.schedulers()).containsExactly(28082, 28083);
        assertThat(plan.scheduler()).isEqualTo(28082);
        assertThat(plan.owners()).hasSize(14).containsEntry(28082, "scheduler-service")
                .containsEntry(28083, "scheduler-service-2");
        assertThat(PortPlan.forBase(8080, 3, 9).schedulers()).last().isEqualTo(8090);
        assertThat(PortPlan.forBase(8080, 3, 9).owners()).hasSize(21); // no replica shares a port with a worker
        assertThatThrownBy(() -> PortPlan.forBase(8080, 3, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scheduler replicas");
        assertThatThrownBy(() -> PortPlan.forBase(8080, 3, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsAPortBaseThatPushesPortsOutOfRange() {
        assertThatThrownBy(() -> PortPlan.forBase(60000, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port base 60000");
        assertThatThrownBy(() -> PortPlan.forBase(80, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void findsTheFirstBusyPortInStartOrder() {
        Set<Integer> busy = Set.of(8180, 8081);

        var first = PortPlan.defaults(3).firstBusy(port -> !busy.contains(port));

        assertThat(first).hasValueSatisfying(entry -> {
            assertThat(entry.getKey()).isEqualTo(8180);
            assertThat(entry.getValue()).isEqualTo("keycloak");
        });
        assertThat(PortPlan.defaults(3).firstBusy(port -> true)).isEmpty();
    }

    @Test
    void suggestsAPortBaseWhosePortsAreFree() {
        Set<Integer> busy = Set.of(21180); // 21080's keycloak

        assertThat(PortPlan.suggestBase(8080, 3, port -> !busy.contains(port))).isEqualTo(20080);
        assertThat(PortPlan.suggestBase(8080, 3, port -> true)).isEqualTo(21080);
    }

    @Test
    void suggestedBasesKeepEveryPortBelowTheEphemeralRange() {
        Set<Integer> busy = new HashSet<>();
        // Ten clusters side by side (from 10080 down, one's Kafka would be on another's worker ports).
        for (int i = 0; i < 10; i++) {
            int base = PortPlan.suggestBase(8080, 3, 2, port -> !busy.contains(port));
            PortPlan plan = PortPlan.forBase(base, 3, 2);

            assertThat(plan.highestPort()).as("base %d", base).isLessThan(32768);
            assertThat(KeycloakServer.managementPort(plan.keycloak())).as("base %d", base).isLessThan(32768);
            assertThat(busy).as("base %d suggested again", base).doesNotContainAnyElementsOf(plan.owners().keySet());
            busy.addAll(plan.owners().keySet());
        }
    }

    @Test
    void portInUseMessageNamesThePortItsOwnerAndTheWayOut() {
        PortInUseException e = new PortInUseException(8180, "keycloak", 20080);

        assertThat(e.getMessage()).isEqualTo("port 8180 (keycloak) is already in use by another program. Stop it, "
                + "or start Holon on other ports: ./holon up --port-base 20080");
    }
}
