package dev.holon.worker.execution;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttemptUidsTest {

    @TempDir
    Path locks;

    /** A range far from any uid a process of this machine runs under. */
    private SandboxOptions.UidRange range(int count) {
        return new SandboxOptions.UidRange(1_900_000_000, count, locks);
    }

    @Test
    void twoWorkersSharingTheLockDirectoryNeverHandOutTheSameUid() throws IOException {
        AttemptUids workerA = new AttemptUids(range(8));
        AttemptUids workerB = new AttemptUids(range(8));
        List<AttemptUids.Lease> leases = new ArrayList<>();
        Set<Integer> uids = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            leases.add(workerA.acquire("attempt-" + i));
            leases.add(workerB.acquire("attempt-" + i));
        }
        leases.forEach(lease -> uids.add(lease.uid()));

        assertThat(uids).hasSize(8).allSatisfy(uid -> assertThat(uid).isBetween(1_900_000_000, 1_900_000_007));
        assertThatThrownBy(() -> workerA.acquire("one-too-many")).isInstanceOf(IOException.class)
                .hasMessageContaining("no free uid");
        leases.forEach(AttemptUids.Lease::close);
    }

    @Test
    void aReleasedUidCanBeHandedOutAgainAndAnAdoptedOneIsTakenBack() throws IOException {
        AttemptUids uids = new AttemptUids(range(1));
        AttemptUids.Lease first = uids.acquire("a");
        assertThat(uids.reacquire(first.uid())).as("held").isEmpty();

        first.close();

        AttemptUids.Lease again = uids.reacquire(first.uid()).orElseThrow();
        assertThat(again.uid()).isEqualTo(first.uid());
        again.close();
        assertThat(uids.acquire("b").uid()).isEqualTo(first.uid());
    }

    @Test
    void aUidOfARunningProcessCountsAsInUse() {
        assertThat(AttemptUids.hasProcesses((int) new com.sun.security.auth.module.UnixSystem().getUid())).isTrue();
        assertThat(AttemptUids.hasProcesses(1_900_000_123)).isFalse();
    }
}
