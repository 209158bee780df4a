package dev.holon.worker.execution;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CgroupLocationsTest {

    @Test
    void findsV1ControllersBelowTheirMountsAndTheUnifiedHierarchy() {
        String mountinfo = """
                31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
                32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
                33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
                35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
                40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
                41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
                """;
        String cgroup = """
                9:name=systemd:/
                4:memory:/process_api/fc3b
                2:cpuacct:/
                1:cpu:/
                0::/
                """;

        CgroupLocations locations = CgroupLocations.parse(mountinfo, cgroup);

        assertThat(locations.v1()).containsEntry("memory", Path.of("/sys/fs/cgroup/memory/process_api/fc3b"))
                .containsEntry("cpu", Path.of("/sys/fs/cgroup/cpu"))
                .containsEntry("cpuacct", Path.of("/sys/fs/cgroup/cpuacct"));
        assertThat(locations.v2()).isEqualTo(Path.of("/sys/fs/cgroup/unified"));
    }

    @Test
    void coMountedControllersAndContainerRoots() {
        String mountinfo = """
                30 25 0:26 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid - cgroup cgroup rw,cpu,cpuacct
                31 25 0:27 /docker/abc /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory
                """;
        String cgroup = """
                4:cpu,cpuacct:/docker/abc/worker
                3:memory:/docker/abc
                """;

        CgroupLocations locations = CgroupLocations.parse(mountinfo, cgroup);

        assertThat(locations.v1()).containsEntry("cpu", Path.of("/sys/fs/cgroup/cpu,cpuacct/worker"))
                .containsEntry("cpuacct", Path.of("/sys/fs/cgroup/cpu,cpuacct/worker"))
                .containsEntry("memory", Path.of("/sys/fs/cgroup/memory"));
        assertThat(locations.v2()).isNull();
    }

    @Test
    void pureV2WithAnEscapedMountPointAndACgroupOutsideTheMount() {
        String mountinfo = """
                29 23 0:26 / /sys/fs/my\\040cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate
                30 23 0:27 /other /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
                """;
        String cgroup = """
                0::/user.slice/worker.service
                5:memory:/not/below/other
                """;

        CgroupLocations locations = CgroupLocations.parse(mountinfo, cgroup);

        assertThat(locations.v2()).isEqualTo(Path.of("/sys/fs/my cgroup/user.slice/worker.service"));
        assertThat(locations.v1()).doesNotContainKey("memory");
    }
}
