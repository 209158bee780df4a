package dev.holon.gateway.stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FactBufferTest {

    @Test
    void returnsExactlyTheFactsAfterAGivenNumber() {
        FactBuffer buffer = new FactBuffer(10);
        for (int i = 0; i < 5; i++) {
            buffer.append("t", null, "{}");
        }
        assertThat(buffer.after(2).orElseThrow()).extracting(StreamFact::sequence).containsExactly(3L, 4L, 5L);
        assertThat(buffer.after(5).orElseThrow()).isEmpty();
        assertThat(buffer.after(0).orElseThrow()).hasSize(5);
    }

    @Test
    void aPositionOlderThanTheBufferOrNewerThanItsLastFactCannotBeResumed() {
        FactBuffer buffer = new FactBuffer(3);
        for (int i = 0; i < 6; i++) {
            buffer.append("t", null, "{}");
        }
        assertThat(buffer.after(2)).as("facts 3 was forgotten").isEmpty();
        assertThat(buffer.after(3).orElseThrow()).extracting(StreamFact::sequence).containsExactly(4L, 5L, 6L);
        assertThat(buffer.after(7)).isEmpty();
    }

    @Test
    void aViewerSeesPublicFactsAndTheirOwnTenantsOperatorsSeeAll() {
        StreamFact node = new StreamFact(1, "holon.node.NodeDown", null, "{}");
        StreamFact mine = new StreamFact(2, "holon.task.TaskStateChanged", "default", "{}");
        StreamFact theirs = new StreamFact(3, "holon.task.TaskStateChanged", "acme", "{}");
        Viewer user = Viewer.of(java.util.Set.of("default"), false);
        assertThat(user.maysee(node)).isTrue();
        assertThat(user.maysee(mine)).isTrue();
        assertThat(user.maysee(theirs)).isFalse();
        assertThat(Viewer.of(java.util.Set.of("acme"), false).maysee(mine)).isFalse();
        assertThat(Viewer.of(java.util.Set.of("acme", "default"), false).maysee(theirs)).isTrue();
        assertThat(Viewer.of(null, false).maysee(mine)).as("a member of no tenant sees node facts only").isFalse();
        assertThat(Viewer.of(null, false).maysee(node)).isTrue();
        assertThat(Viewer.of(null, true).maysee(theirs)).isTrue();
    }
}
