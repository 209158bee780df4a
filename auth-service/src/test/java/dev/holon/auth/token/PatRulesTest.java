package dev.holon.auth.token;

import dev.holon.support.problem.ProblemException;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.TestingAuthenticationToken;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PatRulesTest {

    @Test
    void scopesAreASubsetOfReadJobsFilesWithoutRepeats() {
        assertThat(PatService.scopes(List.of("files", "read", "files"))).containsExactly("files", "read");
        assertThatThrownBy(() -> PatService.scopes(List.of("read", "admin"))).isInstanceOf(ProblemException.class)
                .hasMessageContaining("[admin]");
        assertThatThrownBy(() -> PatService.scopes(List.of())).isInstanceOf(ProblemException.class);
        assertThatThrownBy(() -> PatService.scopes(null)).isInstanceOf(ProblemException.class);
        assertThatThrownBy(() -> PatService.scopes(Arrays.asList("read", null))).isInstanceOf(ProblemException.class);
    }

    @Test
    void aTokenCarriesOnlyThePeoplesRolesItsCreatorHas() {
        assertThat(PatService.personRoles(new TestingAuthenticationToken("a", null, "ROLE_admin", "ROLE_operator",
                "ROLE_user", "ROLE_offline_access", "SCOPE_openid"))).containsExactly("admin", "operator", "user");
        assertThat(PatService.personRoles(new TestingAuthenticationToken("d", null, "ROLE_user"))).containsExactly("user");
        assertThat(PatService.personRoles(new TestingAuthenticationToken("s", null, "ROLE_service", "ROLE_node"))).isEmpty();
    }
}
