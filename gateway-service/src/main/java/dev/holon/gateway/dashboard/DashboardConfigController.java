package dev.holon.gateway.dashboard;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/**
 * Tells the dashboard (static files under {@code /dashboard/}) where to log in: the realm's issuer and the
 * public client it uses for the authorization code flow with PKCE. Open, like the dashboard's files.
 */
@RestController
class DashboardConfigController {

    private final String issuer;
    private final String clientId;

    DashboardConfigController(
            @Value("${holon.gateway.dashboard.issuer-uri:${spring.security.oauth2.resourceserver.jwt.issuer-uri}}") String issuer,
            @Value("${holon.gateway.dashboard.client-id:holon-dashboard}") String clientId) {
        this.issuer = issuer;
        this.clientId = clientId;
    }

    @GetMapping("/dashboard/config.json")
    ResponseEntity<Map<String, String>> config() {
        return ResponseEntity.ok().cacheControl(CacheControl.noCache()).body(Map.of("issuer", issuer, "clientId", clientId));
    }
}
