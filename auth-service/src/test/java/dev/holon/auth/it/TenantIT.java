package dev.holon.auth.it;

import dev.holon.auth.keycloak.KeycloakAdmin;
import dev.holon.auth.tenant.TenantSync;
import dev.holon.testsupport.ApiClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Tenants and members, kept in step with Keycloak's groups. */
class TenantIT extends AuthServiceIT {

    @Autowired
    KeycloakAdmin keycloak;

    @Test
    void aTenantBecomesAKeycloakGroupAndAnAddedMembersFreshTokenCarriesIt() {
        String admin = tokens.admin();
        String tenant = unique("acme");

        ApiClient.Response created = post("/api/v1/tenants", admin, "{\"name\":\"" + tenant + "\",\"description\":\"Acme\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/v1/tenants/" + tenant);
        assertThat(created.json().path("name").asString()).isEqualTo(tenant);
        assertThat(created.json().path("createdBy").asString()).isEqualTo("admin");
        await().atMost(Duration.ofSeconds(15)).until(() -> keycloak.groupByPath(TenantSync.TENANTS_GROUP, tenant).isPresent());

        ApiClient.Response added = put("/api/v1/tenants/" + tenant + "/members/alice", admin, "{\"role\":\"admin\"}");
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.json().path("role").asString()).isEqualTo("admin");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(strings(claims(tokens.alice()).path("groups")))
                .contains("/tenants/" + tenant));
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/tenants/" + tenant, admin).json()
                .path("synced").asBoolean());

        // the same PUT again changes nothing; a role change is a 200
        assertThat(put("/api/v1/tenants/" + tenant + "/members/alice", admin, "{\"role\":\"admin\"}").status()).isEqualTo(200);

        // a tenant admin manages members; a member does not; someone else does not even see the tenant
        String alice = tokens.alice();
        assertThat(put("/api/v1/tenants/" + tenant + "/members/bob", alice, null).status()).isEqualTo(201);
        String bob = tokens.bob();
        assertThat(api.get("/api/v1/tenants/" + tenant, bob).status()).isEqualTo(200);
        assertProblem(put("/api/v1/tenants/" + tenant + "/members/demo", bob, "{\"role\":\"member\"}"), 403, "/problems/forbidden");
        String demo = tokens.demo();
        assertProblem(api.get("/api/v1/tenants/" + tenant, demo), 404, "/problems/not-found");
        assertProblem(api.get("/api/v1/tenants/" + tenant + "/members", demo), 404, "/problems/not-found");
        assertProblem(put("/api/v1/tenants/" + tenant + "/members/demo", demo, null), 404, "/problems/not-found");

        JsonNode members = api.get("/api/v1/tenants/" + tenant + "/members", bob).json();
        assertThat(members.path("items")).extracting(m -> m.path("username").asString()).containsExactly("alice", "bob");
        JsonNode page = api.get("/api/v1/tenants/" + tenant + "/members?limit=1", admin).json();
        assertThat(page.path("items")).hasSize(1);
        JsonNode next = api.get("/api/v1/tenants/" + tenant + "/members?limit=1&cursor=" + page.path("nextCursor").asString(),
                admin).json();
        assertThat(next.path("items")).singleElement().satisfies(m -> assertThat(m.path("username").asString()).isEqualTo("bob"));

        // a user sees only their tenants; an admin sees all
        JsonNode bobs = api.get("/api/v1/tenants", bob).json();
        assertThat(bobs.path("items")).extracting(t -> t.path("name").asString()).containsExactly(tenant);
        assertThat(api.get("/api/v1/tenants?limit=500", admin).json().path("items")).extracting(t -> t.path("name").asString())
                .contains("default", tenant);

        // a user who left loses the group in their next token
        assertThat(delete("/api/v1/tenants/" + tenant + "/members/bob", alice).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(strings(claims(tokens.bob()).path("groups")))
                .doesNotContain("/tenants/" + tenant));
        assertProblem(delete("/api/v1/tenants/" + tenant + "/members/bob", alice), 404, "/problems/not-found");

        // a deleted tenant's group goes too
        assertThat(delete("/api/v1/tenants/" + tenant, admin).status()).isEqualTo(204);
        assertProblem(api.get("/api/v1/tenants/" + tenant, admin), 404, "/problems/not-found");
        await().atMost(Duration.ofSeconds(15)).until(() -> keycloak.groupByPath(TenantSync.TENANTS_GROUP, tenant).isEmpty());
    }

    @Test
    void mistakesAreProblemsWithA4xx() {
        String admin = tokens.admin();
        String tenant = unique("errs");
        assertProblem(post("/api/v1/tenants", admin, "{\"name\":\"Not_A_Label\"}"), 400, "/problems/validation");
        assertProblem(post("/api/v1/tenants", admin, "{\"name\":\"-x\"}"), 400, "/problems/validation");
        assertProblem(post("/api/v1/tenants", admin, "{\"name\":\"" + "a".repeat(64) + "\"}"), 400, "/problems/validation");
        assertProblem(post("/api/v1/tenants", admin, "{\"name\":\"ok\",\"colour\":\"red\"}"), 400, "/problems/validation");
        assertProblem(post("/api/v1/tenants", admin, "{}"), 400, "/problems/validation");
        assertProblem(post("/api/v1/tenants", tokens.demo(), "{\"name\":\"" + tenant + "\"}"), 403, "/problems/forbidden");
        assertProblem(post("/api/v1/tenants", null, "{\"name\":\"" + tenant + "\"}"), 401, "/problems/unauthorized");

        assertThat(post("/api/v1/tenants", admin, "{\"name\":\"" + tenant + "\"}").status()).isEqualTo(201);
        assertProblem(post("/api/v1/tenants", admin, "{\"name\":\"" + tenant + "\"}"), 409, "/problems/conflict");
        assertProblem(put("/api/v1/tenants/" + tenant + "/members/nobody-" + tenant, admin, null), 404, "/problems/not-found");
        assertProblem(put("/api/v1/tenants/" + tenant + "/members/alice", admin, "{\"role\":\"owner\"}"), 400,
                "/problems/validation");
        assertProblem(put("/api/v1/tenants/no-such-" + tenant + "/members/alice", admin, null), 404, "/problems/not-found");
        assertProblem(delete("/api/v1/tenants/default", admin), 409, "/problems/conflict");
        assertProblem(delete("/api/v1/tenants/no-such-" + tenant, admin), 404, "/problems/not-found");
        assertProblem(api.get("/api/v1/tenants?limit=0", admin), 400, "/problems/validation");
        assertProblem(api.get("/api/v1/tenants?cursor=garbage!", admin), 400, "/problems/validation");
        assertThat(delete("/api/v1/tenants/" + tenant, admin).status()).isEqualTo(204);
    }

    @Test
    void theDefaultTenantExistsFromTheStartWithTheRealmsPeople() {
        JsonNode members = api.get("/api/v1/tenants/default/members", tokens.admin()).json();
        assertThat(members.path("items")).extracting(m -> m.path("username").asString() + ":" + m.path("role").asString())
                .contains("admin:admin", "demo:member", "operator:member");
        assertThat(api.get("/api/v1/tenants/default", tokens.demo()).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/tenants/default", tokens.service()).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/api/v1/tenants/default", tokens.admin()).json()
                .path("synced").asBoolean());
    }
}
