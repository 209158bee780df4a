package dev.holon.gateway.stream;

import dev.holon.support.security.Roles;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Flux;

import java.security.Principal;

/**
 * {@code GET /api/v1/stream}: the dashboard's live facts as Server-Sent Events (token required). Node facts go
 * to everyone, task facts to their tenant (and to operators and admins); {@code Last-Event-ID} resumes.
 */
@RestController
class StreamController {

    private final ObjectProvider<DashboardStream> stream;

    StreamController(ObjectProvider<DashboardStream> stream) {
        this.stream = stream;
    }

    @GetMapping(path = "/api/v1/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<String>> stream(Principal principal,
                                         @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        DashboardStream facts = stream.getIfAvailable();
        if (facts == null) {
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "the live stream is switched off");
        }
        return facts.follow(viewer(principal), lastEventId);
    }

    static Viewer viewer(Principal principal) {
        if (principal instanceof JwtAuthenticationToken jwt) {
            boolean all = jwt.getAuthorities().stream().anyMatch(a ->
                    a.getAuthority().equals("ROLE_" + Roles.OPERATOR) || a.getAuthority().equals("ROLE_" + Roles.ADMIN));
            return Viewer.of(jwt.getToken().getClaimAsString("tenant"), all);
        }
        return Viewer.of(null, false);
    }
}
