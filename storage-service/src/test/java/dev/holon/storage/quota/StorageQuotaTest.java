package dev.holon.storage.quota;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StorageQuotaTest {

    @Test
    void sizesReadAsPeopleWriteThem() {
        assertThat(StorageQuota.human(17)).isEqualTo("17 bytes");
        assertThat(StorageQuota.human(512 * 1024)).isEqualTo("512 KiB");
        assertThat(StorageQuota.human((long) (9.5 * 1024 * 1024 * 1024))).isEqualTo("9.5 GiB");
        assertThat(StorageQuota.human(10L * 1024 * 1024 * 1024)).isEqualTo("10 GiB");
    }
}
