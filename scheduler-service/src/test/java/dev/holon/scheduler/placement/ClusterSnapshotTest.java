package dev.holon.scheduler.placement;

import dev.holon.contracts.node.NodeResources;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.holon.scheduler.placement.Nodes.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterSnapshotTest {

    @Test
    void ordersNodesByIdAndRefusesDuplicates() {
        ClusterSnapshot snapshot = ClusterSnapshot.of(node("b", 1, 1, 0), node("a", 1, 1, 0));
        assertThat(snapshot.nodes()).extracting(NodeSnapshot::id).containsExactly("a", "b");
        assertThat(snapshot.indexOf("b")).isEqualTo(1);
        assertThat(snapshot.indexOf("zz")).isEqualTo(-1);
        assertThatThrownBy(() -> ClusterSnapshot.of(node("a", 1, 1, 0), node("a", 2, 2, 0)))
                .hasMessageContaining("node a appears twice");
    }

    @Test
    void replacingNodesKeepsTheRestAndFollowsNewLabels() {
        ClusterSnapshot snapshot = ClusterSnapshot.of(node("a", 1000, 1000, 0, "zone=a"), node("b", 1000, 1000, 0, "zone=a"));
        ClusterSnapshot relabelled = snapshot.withNodes(List.of(node("b", 2000, 1000, 0, "zone=b").withCordoned(true)));
        assertThat(relabelled.nodeClassCount()).isEqualTo(2);
        assertThat(relabelled.statusRejection(1)).isEqualTo(Rejection.CORDONED);
        assertThat(relabelled.freeCpu(1)).isEqualTo(2000);
        assertThat(snapshot.nodeClassCount()).as("the old snapshot is untouched").isEqualTo(1);
        assertThat(snapshot.statusRejection(1)).isNull();

        ClusterSnapshot grown = relabelled.withNodes(List.of(node("c", 1000, 1000, 0)));
        assertThat(grown.nodes()).extracting(NodeSnapshot::id).containsExactly("a", "b", "c");
        assertThat(grown.node("b").cordoned()).isTrue();
    }

    @Test
    void anOvercommittedNodeHasNegativeFreeResources() {
        ClusterSnapshot snapshot = ClusterSnapshot.of(node("a", 1000, 1000, 1)
                .withAllocated(new NodeResources(1500, 100, 0, 0), null));
        assertThat(snapshot.freeCpu(0)).isEqualTo(-500);
        assertThat(new PlacementPlanner().plan(snapshot, List.of(TaskRequest.builder("job").build())).pendingCount()).isEqualTo(1);
    }
}
