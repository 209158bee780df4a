package dev.holon.gateway.security;

import dev.holon.gateway.GatewayProperties;
import dev.holon.gateway.audit.AuditFilter;
import dev.holon.gateway.problem.ProblemWriter;
import dev.holon.gateway.tokens.PatExchangeFilter;
import dev.holon.gateway.tokens.PatExchanges;
import dev.holon.gateway.tokens.PatScopeAuthorization;
import dev.holon.support.security.Roles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.server.resource.authentication.JwtIssuerReactiveAuthenticationManagerResolver;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;

/**
 * The gateway is a stateless OAuth2 resource server: every {@code /api/**} request except {@link #OPEN_API} needs a
 * valid access token — Keycloak's, or the JWT auth-service mints for a personal access token, which the gateway
 * obtains itself for a {@code hol_...} bearer ({@link PatExchangeFilter}, just before authentication) and whose
 * scopes it enforces ({@link PatScopeAuthorization}). Health, info, metrics, the OpenAPI documents, Swagger UI, the
 * problem pages and {@code /} are open. Fine-grained role checks stay in the services, which receive and check the
 * same token.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfiguration {

    /**
     * API paths that take no Keycloak token: auth-service's public key set (for whoever verifies the JWTs it mints for
     * personal access tokens) and node enrolment, where the enrolment token in the body is the credential.
     */
    static final String[] OPEN_API = {"/api/v1/tokens/jwks", "/api/v1/tokens/enrolments/redeem"};

    static final String[] OPEN_ACTUATOR = {
            "/actuator/health", "/actuator/health/**", "/actuator/info", "/actuator/prometheus"};

    @Bean
    SecurityWebFilterChain gatewaySecurity(ServerHttpSecurity http, ProblemAuthenticationEntryPoint entryPoint,
                                           ProblemAccessDeniedHandler accessDenied,
                                           JwtIssuerReactiveAuthenticationManagerResolver trustedIssuers,
                                           PatExchanges patExchanges, ProblemWriter problems,
                                           GatewayProperties properties) {
        PatExchangeFilter pats = new PatExchangeFilter(patExchanges, entryPoint, problems,
                properties.unavailableRetryAfter());
        return http
                // Bearer tokens only, no cookies or sessions: CSRF cannot ride on them.
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .addFilterBefore(pats, SecurityWebFiltersOrder.AUTHENTICATION)
                // Who the caller is, for the audit facts written once the answer is known (audit.AuditFilter).
                .addFilterAfter(AuditFilter.identityCapture(), SecurityWebFiltersOrder.AUTHENTICATION)
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(OPEN_API).permitAll()
                        .pathMatchers("/api/**").access(new PatScopeAuthorization())
                        .pathMatchers(OPEN_ACTUATOR).permitAll()
                        .pathMatchers("/actuator/**").hasRole(Roles.ADMIN)
                        // Docs, Swagger UI, /problems/**, / and unknown paths (answered 404).
                        .anyExchange().permitAll())
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .authenticationManagerResolver(trustedIssuers)
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler(accessDenied))
                .exceptionHandling(handling -> handling
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler(accessDenied))
                .build();
    }
}
