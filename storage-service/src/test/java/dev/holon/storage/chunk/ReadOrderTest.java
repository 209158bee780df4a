package dev.holon.storage.chunk;

import dev.holon.storage.placement.StorageNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Which replica a reader tries first: live nodes first, and otherwise each node for about its share of the chunks. */
class ReadOrderTest {

    private static StorageNode node(String id, boolean alive, boolean up) {
        return new StorageNode(id, "http://" + id, alive, up, false, false, "", 1L << 40);
    }

    /** Node ids as the registry hands them out: time-ordered, so they share most of their characters. */
    private static final List<StorageNode> NODES = List.of(
            node("01a234cf-9581-7ddd-8683-7abb5d38b045", true, true),
            node("01a234cf-9583-7a1e-9b0c-11d2e0f4c7aa", true, true),
            node("01a234cf-9590-70c2-a5e1-4f00c1b9d203", true, true));

    @Test
    void everyUpNodeIsFirstForAboutAThirdOfTheChunks() {
        Random random = new Random(42);
        Map<String, Integer> first = new HashMap<>();
        int chunks = 3000;
        for (int i = 0; i < chunks; i++) {
            String chunkId = new UUID(random.nextLong(), random.nextLong()).toString();
            List<StorageNode> order = new ArrayList<>(NODES);
            order.sort(ChunkReader.readOrder(chunkId));
            first.merge(order.getFirst().id(), 1, Integer::sum);
        }

        assertThat(first).hasSize(3);
        assertThat(first.values()).allSatisfy(count -> assertThat(count).isBetween(chunks / 3 - 150, chunks / 3 + 150));
    }

    @Test
    void oneChunkIsAlwaysReadFromTheSameNodeAndUpNodesComeBeforeSuspectAndDownOnes() {
        StorageNode down = node("01a234cf-9599-7000-8000-000000000001", false, false);
        StorageNode suspect = node("01a234cf-9599-7000-8000-000000000002", true, false);
        List<StorageNode> order = new ArrayList<>(List.of(down, suspect, NODES.get(0), NODES.get(1), NODES.get(2)));
        order.sort(ChunkReader.readOrder("chunk-7"));
        List<StorageNode> again = new ArrayList<>(List.of(NODES.get(2), suspect, NODES.get(1), down, NODES.get(0)));
        again.sort(ChunkReader.readOrder("chunk-7"));

        assertThat(order).isEqualTo(again);
        assertThat(order.subList(3, 5)).containsExactly(suspect, down);
    }
}
