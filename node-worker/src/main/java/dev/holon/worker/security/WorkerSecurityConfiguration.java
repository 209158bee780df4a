package dev.holon.worker.security;

import dev.holon.support.security.KeycloakRealmRoles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The worker's own HTTP port: health, info and prometheus are open (probes and scrapers carry no token);
 * everything else needs a valid Keycloak token. Without a JWT decoder (no issuer configured) nothing but those
 * endpoints can be reached at all. Stateless: no session, no CSRF (bearer tokens only).
 */
@Configuration(proxyBeanMethods = false)
class WorkerSecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WorkerSecurityConfiguration.class);

    @Bean
    SecurityFilterChain workerSecurity(HttpSecurity http, ObjectProvider<JwtDecoder> jwtDecoder) throws Exception {
        http.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .formLogin(form -> form.disable())
                .httpBasic(basic -> basic.disable());
        JwtDecoder decoder = jwtDecoder.getIfAvailable();
        if (decoder != null) {
            JwtAuthenticationConverter roles = new JwtAuthenticationConverter();
            roles.setJwtGrantedAuthoritiesConverter(new KeycloakRealmRoles());
            http.oauth2ResourceServer(server -> server.jwt(jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(roles)));
            http.authorizeHttpRequests(requests -> requests
                    .requestMatchers(openEndpoints()).permitAll()
                    .anyRequest().authenticated());
        } else {
            log.warn("No JWT decoder (spring.security.oauth2.resourceserver.jwt.* not set): every endpoint except "
                    + "health, info and prometheus is denied");
            http.authorizeHttpRequests(requests -> requests
                    .requestMatchers(openEndpoints()).permitAll()
                    .anyRequest().denyAll());
        }
        return http.build();
    }

    private static EndpointRequest.EndpointRequestMatcher openEndpoints() {
        return EndpointRequest.to("health", "info", "prometheus");
    }
}
