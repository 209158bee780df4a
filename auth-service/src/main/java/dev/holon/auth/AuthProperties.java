package dev.holon.auth;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * auth-service settings ({@code holon.auth.*}).
 *
 * @param realmUrl                 the holon realm over the address services reach Keycloak by (the backchannel):
 *                                 the admin API and the token endpoint are derived from it
 * @param clientId                 the confidential client auth-service administers Keycloak as (client credentials;
 *                                 its service account holds realm-management roles)
 * @param clientSecret             its secret
 * @param nodeTokenUrl             the token endpoint an enrolled node is told to use; empty = the realm's
 * @param keycloakTimeout          longest a call to Keycloak's admin API may take
 * @param syncInterval             how often changed tenants are compared with Keycloak (changes also wake it at once)
 * @param fullSyncInterval         how often every tenant's group and members are compared with Keycloak
 * @param patDefaultLifetime       a personal access token's lifetime when the request names none
 * @param patMaxLifetime           the longest lifetime a personal access token may ask for
 * @param patMaxPerUser            active personal access tokens one user may have at once
 * @param exchangedTokenLifetime   lifetime of a JWT minted for a personal access token (at most 5 minutes)
 * @param enrolmentDefaultLifetime an enrolment token's lifetime when the request names none
 * @param enrolmentMaxLifetime     the longest lifetime an enrolment token may ask for
 * @param auditRetention           audit entries older than this are deleted
 */
@Validated
@ConfigurationProperties("holon.auth")
public record AuthProperties(
        @NotBlank @DefaultValue("http://localhost:8180/realms/holon") String realmUrl,
        @NotBlank @DefaultValue("holon-service") String clientId,
        @NotBlank @DefaultValue("holon-service-secret") String clientSecret,
        @DefaultValue("") String nodeTokenUrl,
        @NotNull @DefaultValue("PT5S") Duration keycloakTimeout,
        @NotNull @DefaultValue("PT10S") Duration syncInterval,
        @NotNull @DefaultValue("PT5M") Duration fullSyncInterval,
        @NotNull @DefaultValue("P30D") Duration patDefaultLifetime,
        @NotNull @DefaultValue("P365D") Duration patMaxLifetime,
        @Min(1) @DefaultValue("100") int patMaxPerUser,
        @NotNull @DefaultValue("PT5M") Duration exchangedTokenLifetime,
        @NotNull @DefaultValue("PT24H") Duration enrolmentDefaultLifetime,
        @NotNull @DefaultValue("P30D") Duration enrolmentMaxLifetime,
        @NotNull @DefaultValue("P365D") Duration auditRetention) {

    public AuthProperties {
        realmUrl = realmUrl == null ? null : stripSlash(realmUrl);
    }

    /** {@code <server>/admin/realms/<realm>}. */
    public String adminUrl() {
        int at = realmUrl.lastIndexOf("/realms/");
        if (at < 0) {
            throw new IllegalStateException("holon.auth.realm-url must end in /realms/<realm>: " + realmUrl);
        }
        return realmUrl.substring(0, at) + "/admin" + realmUrl.substring(at);
    }

    public String tokenUrl() {
        return realmUrl + "/protocol/openid-connect/token";
    }

    /** Where an enrolled node gets its tokens. */
    public String effectiveNodeTokenUrl() {
        return nodeTokenUrl == null || nodeTokenUrl.isBlank() ? tokenUrl() : nodeTokenUrl;
    }

    @AssertTrue(message = "holon.auth.realm-url must end in /realms/<realm>")
    boolean isRealmUrlValid() {
        return realmUrl != null && realmUrl.matches("https?://.+/realms/[^/]+");
    }

    @AssertTrue(message = "holon.auth.exchanged-token-lifetime must be between 1 second and 5 minutes")
    boolean isExchangedTokenLifetimeValid() {
        return exchangedTokenLifetime != null && exchangedTokenLifetime.toSeconds() >= 1
                && exchangedTokenLifetime.compareTo(Duration.ofMinutes(5)) <= 0;
    }

    @AssertTrue(message = "holon.auth lifetimes must be positive and each default at most its maximum")
    boolean isLifetimesValid() {
        return patDefaultLifetime != null && patMaxLifetime != null && enrolmentDefaultLifetime != null
                && enrolmentMaxLifetime != null && !patDefaultLifetime.isNegative() && !patDefaultLifetime.isZero()
                && patDefaultLifetime.compareTo(patMaxLifetime) <= 0 && !enrolmentDefaultLifetime.isNegative()
                && !enrolmentDefaultLifetime.isZero() && enrolmentDefaultLifetime.compareTo(enrolmentMaxLifetime) <= 0;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
