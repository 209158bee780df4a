package dev.holon.localcluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HolonCommandTest {

    @Test
    void thePrintedNodesCommandUsesTheClustersPorts() {
        String command = HolonCommand.nodesCommand("http://localhost:20180/realms/holon/protocol/openid-connect/token",
                "http://localhost:20080");

        assertThat(command).isEqualTo("TOKEN=$(curl -s -d grant_type=password -d client_id=holon-cli -d username=demo"
                + " -d password=holon-demo http://localhost:20180/realms/holon/protocol/openid-connect/token"
                + " | sed -n 's/.*\"access_token\":\"\\([^\"]*\\)\".*/\\1/p'); curl -s -H \"Authorization: Bearer $TOKEN\""
                + " http://localhost:20080/api/v1/nodes");
    }

    @Test
    void thePrintedCliCommandNamesTheUrlsOnlyWhenTheyAreNotTheDefaults() {
        assertThat(HolonCommand.cliCommand("http://localhost:8080", "http://localhost:8180/realms/holon"))
                .isEqualTo("echo holon-demo | ./holon login --username demo --password-stdin && ./holon nodes ls");
        assertThat(HolonCommand.cliCommand("http://localhost:20080", "http://localhost:20180/realms/holon"))
                .isEqualTo("echo holon-demo | ./holon login --username demo --password-stdin --gateway"
                        + " http://localhost:20080 --issuer http://localhost:20180/realms/holon && ./holon nodes ls");
    }
}
