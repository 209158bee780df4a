package dev.holon.support.security;

import dev.holon.support.problem.ProblemAdvice;
import dev.holon.support.problem.ProblemErrorController;
import dev.holon.support.problem.ProblemSecurityHandlers;
import dev.holon.support.problem.Problems;
import dev.holon.support.problem.RequestBodyLimit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Every servlet service is an OAuth2 resource server trusting Keycloak and, when {@code holon.security.auth-url} (or
 * {@code holon.security.pat-jwks-uri}) is set, auth-service's JWTs minted for personal access tokens
 * ({@link TrustedIssuers}): bearer tokens only, realm
 * roles as authorities, problem+json for 401/403. Health, metrics and API docs stay open for probes and the gateway, and
 * so do the paths a service lists in {@code holon.security.token-free-paths} because it checks another credential
 * on them itself (a node-worker's chunk routes, authorised by chunk tokens).
 */
@AutoConfiguration(beforeName = {"org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
        "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableMethodSecurity
public class ServletSecurityAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ProblemSecurityHandlers problemSecurityHandlers(Problems problems) {
        return new ProblemSecurityHandlers(problems);
    }

    @Bean
    @ConditionalOnMissingBean
    ProblemAdvice problemAdvice(Problems problems) {
        return new ProblemAdvice(problems);
    }

    @Bean
    @ConditionalOnMissingBean(ErrorController.class)
    ProblemErrorController problemErrorController(Problems problems) {
        return new ProblemErrorController(problems);
    }

    @Bean
    @ConditionalOnMissingBean
    FilterRegistrationBean<RequestBodyLimit> requestBodyLimit(Problems problems,
            @Value("${holon.http.max-request-size:1MB}") DataSize limit) {
        FilterRegistrationBean<RequestBodyLimit> registration = new FilterRegistrationBean<>(new RequestBodyLimit(limit, problems));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    @Bean
    @ConditionalOnMissingBean
    JwtAuthenticationConverter jwtAuthenticationConverter() {
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(new KeycloakRealmRoles());
        return converter;
    }

    @Bean
    @ConditionalOnMissingBean(SecurityFilterChain.class)
    SecurityFilterChain holonSecurityFilterChain(HttpSecurity http, ProblemSecurityHandlers handlers,
            JwtAuthenticationConverter converter, JwtDecoder keycloakDecoder,
            @Value("${spring.security.oauth2.resourceserver.jwt.issuer-uri:}") String keycloakIssuer,
            @Value("${holon.security.auth-url:}") String authUrl,
            @Value("${holon.security.pat-jwks-uri:}") String patJwksUri,
            @Value("${holon.security.audience:holon}") String audience,
            @Value("${holon.security.token-free-paths:}") String[] tokenFreePaths) throws Exception {
        return http
                .csrf(csrf -> csrf.disable()) // bearer tokens only: no cookies to forge
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(auth -> {
                    auth.requestMatchers("/actuator/health/**", "/actuator/health", "/actuator/info",
                            "/actuator/prometheus", "/v3/api-docs/**", "/error").permitAll();
                    if (tokenFreePaths.length > 0) {
                        // Paths whose own credential the service checks itself (a node-worker's chunk tokens).
                        auth.requestMatchers(tokenFreePaths).permitAll();
                    }
                    auth.anyRequest().authenticated();
                })
                .oauth2ResourceServer(rs -> rs
                        .authenticationManagerResolver(TrustedIssuers.resolver(keycloakIssuer, keycloakDecoder,
                                TrustedIssuers.patJwksUri(patJwksUri, authUrl), audience, converter))
                        .authenticationEntryPoint(handlers)
                        .accessDeniedHandler(handlers))
                .exceptionHandling(ex -> ex.authenticationEntryPoint(handlers).accessDeniedHandler(handlers))
                .build();
    }
}
