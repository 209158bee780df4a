package dev.holon.auth.it;

import dev.holon.testsupport.ApiClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /api/v1/tenants/{name}/quota}: the TenantQuota contract. */
class QuotaIT extends AuthServiceIT {

    @Test
    void aTenantStartsUnlimitedAndAdminsSetItsLimitsWhichServicesAndMembersRead() {
        String admin = tokens.admin();
        String tenant = unique("quota");
        assertThat(post("/api/v1/tenants", admin, "{\"name\":\"" + tenant + "\"}").status()).isEqualTo(201);
        assertThat(put("/api/v1/tenants/" + tenant + "/members/alice", admin, null).status()).isEqualTo(201);
        String path = "/api/v1/tenants/" + tenant + "/quota";

        ApiClient.Response none = api.get(path, admin);
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.header("ETag")).isEqualTo("\"0\"");
        for (String field : new String[] {"cpuMillis", "memoryMib", "gpus", "storageBytes", "files"}) {
            assertThat(none.json().path(field).isNull()).as(field).isTrue();
        }

        String quota = "{\"cpuMillis\":4000,\"memoryMib\":8192,\"gpus\":0,\"storageBytes\":1073741824,\"files\":null}";
        assertProblem(put(path, tokens.alice(), quota), 403, "/problems/forbidden");
        assertProblem(put(path, admin, "{\"cpuMillis\":-1,\"files\":-5}"), 400, "/problems/validation");
        assertProblem(put(path, admin, "{\"cpu\":1}"), 400, "/problems/validation");
        assertProblem(put(path, admin, "{\"cpuMillis\":\"lots\"}"), 400, "/problems/validation");

        ApiClient.Response set = put(path, admin, quota, "If-Match", "\"0\"");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.header("ETag")).isEqualTo("\"1\"");
        assertProblem(put(path, admin, quota, "If-Match", "\"0\""), 412, "/problems/precondition-failed");

        for (String reader : new String[] {tokens.alice(), tokens.service(), admin}) {
            JsonNode read = api.get(path, reader).json();
            assertThat(read.path("cpuMillis").asLong()).isEqualTo(4000);
            assertThat(read.path("memoryMib").asLong()).isEqualTo(8192);
            assertThat(read.path("gpus").asLong()).isZero();
            assertThat(read.path("storageBytes").asLong()).isEqualTo(1073741824L);
            assertThat(read.path("files").isNull()).isTrue();
        }
        assertProblem(api.get(path, tokens.demo()), 404, "/problems/not-found");
        assertProblem(api.get("/api/v1/tenants/no-such-" + tenant + "/quota", admin), 404, "/problems/not-found");
        assertThat(api.get("/api/v1/tenants/default/quota", tokens.service()).status()).isEqualTo(200);
        assertThat(delete("/api/v1/tenants/" + tenant, admin).status()).isEqualTo(204);
    }
}
