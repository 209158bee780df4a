package dev.holon.support.security;

import dev.holon.contracts.problem.ProblemType;
import dev.holon.support.problem.ProblemException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallerTest {

    @AfterEach
    void unbindRequest() {
        RequestContextHolder.resetRequestAttributes();
    }

    /** A token as Keycloak (or auth-service, for a PAT) issues it: username, groups, optional legacy tenant. */
    static Authentication jwt(String username, List<String> groups, String legacyTenant, String... roles) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", "id-of-" + username);
        claims.put("preferred_username", username);
        if (groups != null) {
            claims.put("groups", groups);
        }
        if (legacyTenant != null) {
            claims.put("tenant", legacyTenant);
        }
        claims.put("realm_access", Map.of("roles", List.of(roles)));
        Jwt token = new Jwt("t", Instant.now(), Instant.now().plusSeconds(60), Map.of("alg", "RS256"), claims);
        return new JwtAuthenticationToken(token, new KeycloakRealmRoles().convert(token));
    }

    static Authentication user(String username, String... groups) {
        return jwt(username, List.of(groups), null, Roles.USER);
    }

    static Authentication machine(String clientId, String role) {
        TestingAuthenticationToken token = new TestingAuthenticationToken(clientId, "n/a",
                List.of(new SimpleGrantedAuthority("ROLE_" + role)));
        token.setAuthenticated(true);
        return token;
    }

    static ProblemException problem(Runnable call) {
        try {
            call.run();
        } catch (ProblemException e) {
            return e;
        }
        throw new AssertionError("expected a problem");
    }

    @Test
    void theTenantOfAOneTenantUserIsTheirGroupsTenant() {
        Caller caller = Caller.of(user("demo", "/tenants/default"), null);

        assertThat(caller.username()).isEqualTo("demo");
        assertThat(caller.tenants()).containsExactly("default");
        assertThat(caller.tenant()).isEqualTo("default");
        assertThat(caller.tenantIfKnown()).contains("default");
        assertThat(caller.namedTenant()).isEmpty();
        assertThat(caller.seesAll()).isFalse();
    }

    @Test
    void onlyGroupsUnderTenantsAreTenantsAndSubgroupsCountForTheirTenant() {
        Caller caller = Caller.of(user("alice", "/staff", "/tenants/acme/team-a", "/tenantsx/no", "/tenants/",
                "/other/tenants/nope"), null);

        assertThat(caller.tenants()).containsExactly("acme");
        assertThat(Caller.tenantOfGroup("tenants/beta")).as("a path without its leading slash").contains("beta");
        assertThat(Caller.tenantOfGroup("/tenants")).isEmpty();
    }

    @Test
    void aMemberOfSeveralTenantsNamesOneWithTheHeader() {
        Authentication alice = user("alice", "/tenants/acme", "/tenants/beta");

        assertThat(Caller.of(alice, "beta").tenant()).isEqualTo("beta");
        assertThat(Caller.of(alice, " acme ").tenant()).as("stripped").isEqualTo("acme");
        assertThat(Caller.of(alice, "beta").namedTenant()).contains("beta");
        assertThat(Caller.of(alice, "beta").tenants()).containsExactly("acme", "beta");
    }

    @Test
    void aMemberOfSeveralTenantsWhoNamesNoneIsAskedToWhenATenantIsNeeded() {
        Caller caller = Caller.of(user("alice", "/tenants/beta", "/tenants/acme"), "");

        assertThat(caller.tenantIfKnown()).isEmpty();
        ProblemException problem = problem(caller::tenant);
        assertThat(problem.type()).isEqualTo(ProblemType.VALIDATION);
        assertThat(problem.getMessage()).contains("acme, beta").contains("X-Holon-Tenant");
    }

    @Test
    void namingATenantOneIsNotInIsForbiddenAtOnce() {
        Authentication bob = user("bob", "/tenants/beta");

        ProblemException problem = problem(() -> Caller.of(bob, "acme"));

        assertThat(problem.type()).isEqualTo(ProblemType.FORBIDDEN);
        assertThat(problem.getMessage()).contains("'acme'").contains("yours: beta");
    }

    @Test
    void aUserInNoTenantIsToldSoWhereATenantIsNeeded() {
        Caller caller = Caller.of(user("bob"), null);

        assertThat(caller.username()).as("who they are is still known").isEqualTo("bob");
        assertThat(caller.tenantIfKnown()).isEmpty();
        ProblemException problem = problem(caller::tenant);
        assertThat(problem.type()).isEqualTo(ProblemType.FORBIDDEN);
        assertThat(problem.getMessage()).isEqualTo("you belong to no tenant; ask an admin to add you");
        assertThat(problem(() -> caller.mayActIn("default")).type()).isEqualTo(ProblemType.FORBIDDEN);
        assertThat(problem(() -> Caller.of(user("bob"), "default")).getMessage()).isEqualTo(Caller.NO_TENANT);
    }

    @Test
    void aTokenWithoutAGroupsClaimIsInNoTenant() {
        Caller caller = Caller.of(jwt("carol", null, null, Roles.USER), null);

        assertThat(caller.tenants()).isEmpty();
        assertThat(problem(caller::tenant).type()).isEqualTo(ProblemType.FORBIDDEN);
    }

    @Test
    void theLegacyTenantClaimStillCountsAlone() {
        Caller caller = Caller.of(jwt("old", null, "acme", Roles.USER), null);

        assertThat(caller.tenant()).isEqualTo("acme");
    }

    @Test
    void theLegacyTenantClaimAddsToTheGroups() {
        Caller caller = Caller.of(jwt("old", List.of("/tenants/beta"), "acme", Roles.USER), "acme");

        assertThat(caller.tenants()).containsExactly("acme", "beta");
        assertThat(caller.tenant()).isEqualTo("acme");
        assertThat(Caller.of(jwt("same", List.of("/tenants/acme"), "acme", Roles.USER), null).tenant())
                .as("the same tenant twice is one").isEqualTo("acme");
    }

    @Test
    void adminsMayNameAnyTenantOperatorsOnlyTheirs() {
        Authentication admin = jwt("admin", List.of("/tenants/default"), null, Roles.ADMIN);
        Authentication operator = jwt("operator", List.of("/tenants/default"), null, Roles.OPERATOR);

        assertThat(Caller.of(admin, "acme").tenant()).isEqualTo("acme");
        assertThat(Caller.of(admin, null).tenant()).isEqualTo("default");
        assertThat(Caller.of(admin, null).seesAll()).isTrue();
        assertThat(Caller.of(operator, null).seesAll()).isTrue();
        assertThat(problem(() -> Caller.of(operator, "acme")).type()).isEqualTo(ProblemType.FORBIDDEN);
    }

    @Test
    void aMalformedTenantHeaderIsInvalid() {
        Authentication admin = jwt("admin", List.of("/tenants/default"), null, Roles.ADMIN);

        assertThat(problem(() -> Caller.of(admin, "a/b")).type()).isEqualTo(ProblemType.VALIDATION);
        assertThat(problem(() -> Caller.of(admin, "a b")).type()).isEqualTo(ProblemType.VALIDATION);
        assertThat(problem(() -> Caller.of(admin, "x".repeat(64))).type()).isEqualTo(ProblemType.VALIDATION);
        assertThat(Caller.of(admin, "x".repeat(63)).tenant()).hasSize(63);
    }

    @Test
    void membersReachTheirTenantsAndOnlyTheNamedOneWhenTheyNameOne() {
        Authentication alice = user("alice", "/tenants/acme", "/tenants/beta");

        assertThat(Caller.of(alice, null).mayActIn("acme")).isTrue();
        assertThat(Caller.of(alice, null).mayActIn("beta")).isTrue();
        assertThat(Caller.of(alice, null).mayActIn("gamma")).isFalse();
        assertThat(Caller.of(alice, "acme").mayActIn("beta")).as("pinned to acme").isFalse();
        assertThat(Caller.of(user("op", "/tenants/default"), null).mayActIn("acme")).isFalse();
    }

    @Test
    void adminsNodesAndServicesReachEveryTenantWithoutBeingInOne() {
        Authentication admin = jwt("root", null, null, Roles.ADMIN);

        assertThat(Caller.of(admin, null).mayActIn("acme")).isTrue();
        assertThat(Caller.of(admin, "beta").mayActIn("acme")).as("an admin is never pinned").isTrue();
        assertThat(Caller.of(machine("holon-node", Roles.NODE), null).mayActIn("acme")).isTrue();
        assertThat(Caller.of(machine("holon-service", Roles.SERVICE), "acme").mayActIn("acme")).isTrue();
        Caller node = Caller.of(machine("holon-node", Roles.NODE), null);
        assertThat(node.username()).as("a client's name, for ownership of what it writes").isEqualTo("holon-node");
        assertThat(node.tenants()).isEmpty();
        assertThat(node.seesAll()).isFalse();
    }

    @Test
    void theHeaderIsReadFromTheCurrentServletRequest() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/jobs");
        request.addHeader(Caller.TENANT_HEADER, "beta");
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));

        assertThat(Caller.of(user("alice", "/tenants/acme", "/tenants/beta")).tenant()).isEqualTo("beta");
        assertThat(problem(() -> Caller.of(user("bob", "/tenants/acme"))).type()).isEqualTo(ProblemType.FORBIDDEN);
    }

    @Test
    void withoutARequestNoTenantIsNamed() {
        assertThat(Caller.of(user("demo", "/tenants/default")).tenant()).isEqualTo("default");
    }

    @Test
    void aCallerOfOneKnownTenantCanBeMadeDirectly() {
        Caller caller = new Caller("demo", "default", true);

        assertThat(caller.tenant()).isEqualTo("default");
        assertThat(caller.seesAll()).isTrue();
        assertThat(caller.toString()).contains("demo").contains("default");
        assertThat(Arrays.asList(caller.tenants().toArray())).containsExactly("default");
    }

    @Test
    void isAdminIsTheAdminRole() {
        assertThat(Caller.isAdmin(jwt("a", null, null, Roles.ADMIN))).isTrue();
        assertThat(Caller.isAdmin(jwt("o", null, null, Roles.OPERATOR))).isFalse();
        assertThatThrownBy(() -> Caller.of(user("x"), "nope")).isInstanceOf(ProblemException.class);
    }
}
