package dev.holon.gateway.security;

import dev.holon.support.security.KeycloakRealmRoles;
import dev.holon.support.security.Roles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;

/**
 * The gateway is a stateless OAuth2 resource server: every {@code /api/**} request needs a valid Keycloak
 * access token (issuer and audience checked, see application.yml) except {@link #OPEN_API}; health, info, metrics, the OpenAPI
 * documents, Swagger UI, the problem pages and {@code /} are open. Fine-grained role checks stay in the
 * services, which receive and check the same token.
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
                                           ProblemAccessDeniedHandler accessDenied) {
        JwtAuthenticationConverter jwtAuthentication = new JwtAuthenticationConverter();
        jwtAuthentication.setJwtGrantedAuthoritiesConverter(new KeycloakRealmRoles());
        return http
                // Bearer tokens only, no cookies or sessions: CSRF cannot ride on them.
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(OPEN_API).permitAll()
                        .pathMatchers("/api/**").authenticated()
                        .pathMatchers(OPEN_ACTUATOR).permitAll()
                        .pathMatchers("/actuator/**").hasRole(Roles.ADMIN)
                        // Docs, Swagger UI, /problems/**, / and unknown paths (answered 404).
                        .anyExchange().permitAll())
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(
                                new ReactiveJwtAuthenticationConverterAdapter(jwtAuthentication)))
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler(accessDenied))
                .exceptionHandling(handling -> handling
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler(accessDenied))
                .build();
    }
}
