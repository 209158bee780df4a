package dev.holon.gateway.stream;

import dev.holon.support.security.Caller;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Flux;

import java.security.Principal;
import java.util.Set;

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
                                         @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                                         @RequestHeader(name = Caller.TENANT_HEADER, required = false) String tenant) {
        DashboardStream facts = stream.getIfAvailable();
        if (facts == null) {
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "the live stream is switched off");
        }
        return facts.follow(viewer(principal, tenant), lastEventId);
    }

    /** Task facts of the caller's tenants (only the named one, with {@code X-Holon-Tenant}); all for operators. */
    static Viewer viewer(Principal principal, String namedTenant) {
        if (principal instanceof Authentication authentication) {
            Caller caller = Caller.of(authentication, namedTenant); // 403 for a tenant that is not theirs
            return Viewer.of(caller.namedTenant().map(Set::of).orElse(caller.tenants()), caller.seesAll());
        }
        return Viewer.of(null, false);
    }
}
