package dev.holon.auth.token;

import dev.holon.auth.AuthProperties;
import dev.holon.auth.audit.AuditLog;
import dev.holon.auth.tenant.MemberView;
import dev.holon.auth.tenant.TenantAccess;
import dev.holon.auth.tenant.TenantEvents;
import dev.holon.auth.tenant.TenantService;
import dev.holon.contracts.Ids;
import dev.holon.contracts.Page;
import dev.holon.contracts.problem.ProblemType;
import dev.holon.contracts.tenant.TokenExchange;
import dev.holon.support.problem.ProblemException;
import dev.holon.support.security.Roles;
import org.springframework.context.event.EventListener;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Personal access tokens: people create them for scripts and CI ({@code hol_<id>_<secret>}, shown once), list and
 * revoke their own; the gateway exchanges them ({@link TokenExchange}) for a short-lived JWT. A token belongs to one
 * tenant the creator is a member of, carries a subset of scopes and the creator's realm roles at creation (never
 * more). Revocation, expiry, leaving the tenant and the tenant's deletion take effect at the next exchange: nothing
 * is cached here.
 */
@Service
public class PatService {

    public static final Set<String> SCOPES = Set.of(TokenExchange.SCOPE_READ, TokenExchange.SCOPE_JOBS,
            TokenExchange.SCOPE_FILES);
    /** The realm roles a token may carry: people's roles, never a machine's. */
    static final List<String> PERSON_ROLES = List.of(Roles.ADMIN, Roles.OPERATOR, Roles.USER);
    static final String ROLE_PREFIX = "ROLE_";

    /** What a create request asks for. */
    public record Request(String name, List<String> scopes, Duration expiresIn, Instant expiresAt, String tenant) {
    }

    private final PatRepository pats;
    private final TenantService tenants;
    private final TokenMinter minter;
    private final AuditLog audit;
    private final AuthProperties properties;
    private final Clock clock;

    public PatService(PatRepository pats, TenantService tenants, TokenMinter minter, AuditLog audit,
            AuthProperties properties, Clock clock) {
        this.pats = pats;
        this.tenants = tenants;
        this.minter = minter;
        this.audit = audit;
        this.properties = properties;
        this.clock = clock;
    }

    @Transactional
    public PatView create(Request request, Authentication who) {
        String owner = TenantAccess.username(who);
        List<String> roles = personRoles(who);
        if (roles.isEmpty()) {
            throw new ProblemException(ProblemType.FORBIDDEN,
                    "personal access tokens are for people (roles user, operator or admin)");
        }
        List<String> scopes = scopes(request.scopes());
        Instant now = clock.instant();
        Instant expiresAt;
        try {
            expiresAt = Lifetimes.expiry(request.expiresIn(), request.expiresAt(), now,
                    properties.patDefaultLifetime(), properties.patMaxLifetime());
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(e.getMessage());
        }
        String tenant = tenantFor(request.tenant(), owner);
        if (pats.countActive(owner, now) >= properties.patMaxPerUser()) {
            throw ProblemException.conflict("you have " + properties.patMaxPerUser()
                    + " active personal access tokens already; revoke some first");
        }
        OpaqueTokens.Issued issued = OpaqueTokens.issue(TokenExchange.PAT_PREFIX, Ids.newId());
        PatRepository.PatRow row = new PatRepository.PatRow(issued.id(), request.name(), owner, tenant, scopes, roles,
                issued.hash(), now, expiresAt, null, null, null);
        pats.insert(row);
        audit.success(owner, tenant, "token.created", issued.id(), 201,
                "scopes " + String.join(",", scopes) + ", expires " + expiresAt);
        return PatView.of(row, now, issued.token());
    }

    /** The caller's tokens; an admin may name another {@code owner}. */
    @Transactional(readOnly = true)
    public Page<PatView> list(Authentication who, String owner, String after, int limit) {
        String caller = TenantAccess.username(who);
        if (owner != null && !owner.equals(caller) && !TenantAccess.isAdmin(who)) {
            throw new ProblemException(ProblemType.FORBIDDEN, "only admins list other users' tokens");
        }
        Instant now = clock.instant();
        List<PatRepository.PatRow> rows = pats.list(owner == null ? caller : owner, after, limit + 1);
        List<PatView> items = rows.stream().limit(limit).map(r -> PatView.of(r, now, null)).toList();
        return new Page<>(items, rows.size() > limit ? items.getLast().id() : null);
    }

    @Transactional(readOnly = true)
    public PatView get(String id, Authentication who) {
        return PatView.of(owned(id, who), clock.instant(), null);
    }

    /** The owner or an admin; another user's token is a 404. Revoking twice is fine. */
    @Transactional
    public void revoke(String id, Authentication who) {
        PatRepository.PatRow pat = owned(id, who);
        String by = TenantAccess.username(who);
        if (pats.revoke(id, by, clock.instant())) {
            audit.success(by, pat.tenant(), "token.revoked", id, 204, by.equals(pat.owner()) ? null : "owner " + pat.owner());
        }
    }

    /**
     * For the gateway: an active token becomes a JWT; anything else is {@code active=false} and audited as denied.
     * Never throws for a bad token: the gateway answers its client itself.
     */
    @Transactional
    public TokenExchange.Response exchange(String token) {
        Instant now = clock.instant();
        Optional<OpaqueTokens.Presented> presented = OpaqueTokens.parse(TokenExchange.PAT_PREFIX, token);
        if (presented.isEmpty()) {
            return denied("anonymous", null, null, "not a personal access token");
        }
        Optional<PatRepository.PatRow> found = pats.find(presented.get().id());
        if (found.isEmpty() || !OpaqueTokens.matches(presented.get(), found.get().secretHash())) {
            return denied("anonymous", null, presented.get().id(), "unknown token");
        }
        PatRepository.PatRow pat = found.get();
        if (pat.revokedAt() != null) {
            return denied(pat.owner(), pat.tenant(), pat.id(), "revoked at " + pat.revokedAt());
        }
        if (!now.isBefore(pat.expiresAt())) {
            return denied(pat.owner(), pat.tenant(), pat.id(), "expired at " + pat.expiresAt());
        }
        if (tenants.roleOf(pat.tenant(), pat.owner()).isEmpty()) {
            return denied(pat.owner(), pat.tenant(), pat.id(), pat.owner() + " is no longer a member of " + pat.tenant());
        }
        Instant jwtExpiry = now.plus(properties.exchangedTokenLifetime());
        if (jwtExpiry.isAfter(pat.expiresAt())) {
            jwtExpiry = pat.expiresAt();
        }
        String jwt = minter.mint(pat, now, jwtExpiry);
        pats.touch(pat.id(), now);
        return new TokenExchange.Response(true, jwt, Math.max(1, Duration.between(now, jwtExpiry).toSeconds()),
                pat.id(), pat.owner(), pat.tenant(), pat.scopes());
    }

    /** The tenant went: so do its tokens (same transaction). */
    @EventListener
    public void on(TenantEvents.TenantDeleted deleted) {
        for (String id : pats.revokeAll(deleted.tenant(), null, deleted.by(), clock.instant())) {
            audit.success(deleted.by(), deleted.tenant(), "token.revoked", id, 204, "tenant deleted");
        }
    }

    /** A member left: their tokens for that tenant go (same transaction). */
    @EventListener
    public void on(TenantEvents.MemberRemoved removed) {
        for (String id : pats.revokeAll(removed.tenant(), removed.username(), removed.by(), clock.instant())) {
            audit.success(removed.by(), removed.tenant(), "token.revoked", id, 204,
                    removed.username() + " left the tenant");
        }
    }

    private TokenExchange.Response denied(String actor, String tenant, String tokenId, String why) {
        audit.record(actor, tenant, "token.exchange", tokenId, dev.holon.contracts.audit.AuditFact.DENIED, 200, why);
        return TokenExchange.Response.inactive();
    }

    /** The token if the caller owns it or is an admin; a 404 otherwise (as if it did not exist). */
    private PatRepository.PatRow owned(String id, Authentication who) {
        return pats.find(id)
                .filter(p -> p.owner().equals(TenantAccess.username(who)) || TenantAccess.isAdmin(who))
                .orElseThrow(() -> ProblemException.notFound("personal access token", id));
    }

    /** The tenant named (the caller must belong to it) or, when none is named, the caller's only tenant. */
    private String tenantFor(String requested, String owner) {
        List<MemberView> memberships = tenants.membershipsOf(owner);
        if (requested != null) {
            if (memberships.stream().noneMatch(m -> m.tenant().equals(requested))) {
                throw TenantService.notFound(requested);
            }
            return requested;
        }
        if (memberships.isEmpty()) {
            throw new ProblemException(ProblemType.FORBIDDEN,
                    "you belong to no tenant; an admin must add you to one before you can create tokens");
        }
        if (memberships.size() > 1) {
            throw ProblemException.invalid("you belong to several tenants (" + String.join(", ",
                    memberships.stream().map(MemberView::tenant).toList()) + "): name one in 'tenant'");
        }
        return memberships.getFirst().tenant();
    }

    static List<String> scopes(List<String> requested) {
        if (requested == null || requested.isEmpty()) {
            throw ProblemException.invalid("scopes must name at least one of " + String.join(", ", sorted(SCOPES)));
        }
        Set<String> scopes = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String scope : requested) {
            if (scope != null && SCOPES.contains(scope)) {
                scopes.add(scope);
            } else {
                unknown.add(String.valueOf(scope));
            }
        }
        if (!unknown.isEmpty()) {
            throw ProblemException.invalid("unknown scopes " + unknown + ": use " + String.join(", ", sorted(SCOPES)));
        }
        return List.copyOf(scopes);
    }

    static List<String> personRoles(Authentication who) {
        Set<String> held = new java.util.HashSet<>();
        for (GrantedAuthority authority : who.getAuthorities()) {
            String name = authority.getAuthority();
            if (name != null && name.startsWith(ROLE_PREFIX)) {
                held.add(name.substring(ROLE_PREFIX.length()));
            }
        }
        return PERSON_ROLES.stream().filter(held::contains).toList();
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }
}
