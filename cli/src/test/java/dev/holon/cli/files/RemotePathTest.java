package dev.holon.cli.files;

import dev.holon.cli.CliException;
import dev.holon.cli.ExitCodes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RemotePathTest {

    @Test
    void aPathIsInTheCurrentTenantUnlessItStartsWithTheTenantsName() {
        assertThat(RemotePath.parse("/data/a.txt", "default").apiPath()).isEqualTo("/api/v1/files/default/data/a.txt");
        assertThat(RemotePath.parse("/default/data/a.txt", "default").apiPath()).isEqualTo("/api/v1/files/default/data/a.txt");
        assertThat(RemotePath.parse("data/a.txt", "default").full()).isEqualTo("/default/data/a.txt");
        assertThat(RemotePath.parse("/default/default/x", "default").full()).isEqualTo("/default/default/x");
        assertThat(RemotePath.parse("/acme/x", "default").full()).isEqualTo("/default/acme/x");
        assertThat(RemotePath.parse("/acme/x", "acme").full()).isEqualTo("/acme/x");
    }

    @Test
    void theRootAndRepeatedSlashes() {
        assertThat(RemotePath.parse("/", "default").apiPath()).isEqualTo("/api/v1/files/default");
        assertThat(RemotePath.parse("/default", "default").isRoot()).isTrue();
        assertThat(RemotePath.parse("//data///b//", "t").full()).isEqualTo("/t/data/b");
    }

    @Test
    void segmentsArePercentEncoded() {
        assertThat(RemotePath.parse("/my dir/ä+b?#.txt", "default").apiPath())
                .isEqualTo("/api/v1/files/default/my%20dir/%C3%A4%2Bb%3F%23.txt");
    }

    @Test
    void dotSegmentsAreRefused() {
        assertThatThrownBy(() -> RemotePath.parse("/data/../etc", "default")).isInstanceOf(CliException.class)
                .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(ExitCodes.USAGE));
    }
}
