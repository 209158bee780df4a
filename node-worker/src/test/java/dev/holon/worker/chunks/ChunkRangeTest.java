package dev.holon.worker.chunks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkRangeTest {

    @Test
    void parsesTheThreeFormsOfOneByteRange() throws Exception {
        assertThat(ChunkRange.parse("bytes=0-99", 1000)).contains(new ChunkRange(0, 99));
        assertThat(ChunkRange.parse("bytes=900-", 1000)).contains(new ChunkRange(900, 999));
        assertThat(ChunkRange.parse("bytes=-10", 1000)).contains(new ChunkRange(990, 999));
        assertThat(ChunkRange.parse("bytes=990-5000", 1000)).contains(new ChunkRange(990, 999));
    }

    @Test
    void aRangeBeyondTheEndCannotBeSatisfiedAndGarbageIsMalformed() throws Exception {
        assertThat(ChunkRange.parse("bytes=1000-", 1000)).isEmpty();
        assertThatThrownBy(() -> ChunkRange.parse("bytes=5-1", 1000)).isInstanceOf(ChunkRange.Malformed.class);
        assertThatThrownBy(() -> ChunkRange.parse("bytes=0-1,5-6", 1000)).isInstanceOf(ChunkRange.Malformed.class);
        assertThatThrownBy(() -> ChunkRange.parse("lines=1-2", 1000)).isInstanceOf(ChunkRange.Malformed.class);
        assertThatThrownBy(() -> ChunkRange.parse("bytes=-", 1000)).isInstanceOf(ChunkRange.Malformed.class);
    }
}
