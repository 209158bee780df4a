package dev.holon.contracts;

import dev.holon.contracts.event.EventTypes;
import dev.holon.contracts.node.NodeEvent;
import dev.holon.contracts.node.NodeHeartbeat;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventTypesTest {

    @Test
    void namesTypesByAreaAndRecordAndResolvesThemBack() {
        assertThat(EventTypes.typeOf(NodeEvent.NodeDown.class)).isEqualTo("holon.node.NodeDown");
        assertThat(EventTypes.dataClassOf("holon.node.NodeDown")).contains(NodeEvent.NodeDown.class);
        assertThat(EventTypes.dataClassOf("holon.node.NodeHeartbeat")).contains(NodeHeartbeat.class);
        assertThat(EventTypes.dataClassOf("holon.node.Unknown")).isEmpty();
    }

    @Test
    void idsAreTimeOrdered() {
        String first = Ids.newId();
        String second = Ids.newId();
        assertThat(second).isGreaterThan(first);
        assertThat(first).hasSize(36);
    }
}
