package dev.holon.auth.token;

import dev.holon.contracts.Page;
import dev.holon.contracts.tenant.TokenExchange;
import dev.holon.support.problem.ProblemException;
import dev.holon.support.web.Cursors;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/tokens}: personal access tokens (people create, list and revoke their own; admins any), the exchange
 * the gateway calls (role {@code service}) and the public key set of the JWTs it mints (no token needed).
 */
@RestController
@RequestMapping("/api/v1/tokens")
public class PatController {

    private final PatService pats;
    private final SigningKeys keys;

    public PatController(PatService pats, SigningKeys keys) {
        this.pats = pats;
        this.keys = keys;
    }

    /**
     * The body of {@code POST /api/v1/tokens}.
     *
     * @param expiresIn ISO-8601 duration ({@code P30D}); or {@code expiresAt}; neither = 30 days; at most a year
     * @param tenant    the tenant the token acts in; may be left out by a member of exactly one tenant
     */
    public record CreateRequest(@NotBlank @Size(max = 100) String name, List<String> scopes, Duration expiresIn,
                                Instant expiresAt, String tenant) {
    }

    @PostMapping
    public ResponseEntity<PatView> create(@Valid @RequestBody CreateRequest request, Authentication who) {
        PatView created = pats.create(new PatService.Request(request.name(), request.scopes(), request.expiresIn(),
                request.expiresAt(), request.tenant()), who);
        return ResponseEntity.created(URI.create("/api/v1/tokens/" + created.id())).body(created);
    }

    /** The caller's tokens by id (admins: {@code ?owner=} for someone else's); never their secrets. */
    @GetMapping
    public Page<PatView> list(@RequestParam(required = false) String owner,
            @RequestParam(defaultValue = "50") int limit, @RequestParam(required = false) String cursor,
            Authentication who) {
        if (limit < 1 || limit > 500) {
            throw ProblemException.invalid("limit must be between 1 and 500, got " + limit);
        }
        Page<PatView> page = pats.list(who, owner, Cursors.decode(cursor), limit);
        return new Page<>(page.items(), Cursors.encode(page.nextCursor()));
    }

    @GetMapping("/{id}")
    public PatView get(@PathVariable String id, Authentication who) {
        return pats.get(id, who);
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void revoke(@PathVariable String id, Authentication who) {
        pats.revoke(id, who);
    }

    /** {@link TokenExchange}: the gateway trades a PAT for a short-lived JWT. */
    @PostMapping("/exchange")
    @PreAuthorize("hasRole('service')")
    public TokenExchange.Response exchange(@RequestBody TokenExchange.Request request) {
        if (request == null || request.token() == null || request.token().isBlank()) {
            throw ProblemException.invalid("token must be given");
        }
        return pats.exchange(request.token());
    }

    /** The keys the exchanged JWTs are signed with (RFC 7517 JWK set); public. */
    @GetMapping("/jwks")
    public ResponseEntity<Map<String, Object>> jwks() {
        return ResponseEntity.ok().cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic())
                .body(keys.publicKeys().toJSONObject());
    }
}
