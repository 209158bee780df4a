package dev.holon.auth.tenant;

import dev.holon.auth.DnsLabel;
import dev.holon.auth.audit.AuditLog;
import dev.holon.auth.keycloak.KeycloakAdmin;
import dev.holon.contracts.Page;
import dev.holon.contracts.problem.ProblemType;
import dev.holon.support.problem.ProblemException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Tenants and their members. The database is the truth (roles in a tenant live only here); {@link TenantSync} makes
 * Keycloak's groups follow after each commit. Every change is audited through the outbox in its transaction.
 */
@Service
public class TenantService {

    public static final String DEFAULT_TENANT = "default";

    /** What a member change did. */
    public record MemberChange(MemberView member, boolean created) {
    }

    private final TenantRepository tenants;
    private final KeycloakAdmin keycloak;
    private final TenantSync sync;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final TransactionTemplate transaction;

    public TenantService(TenantRepository tenants, KeycloakAdmin keycloak, TenantSync sync, AuditLog audit,
            ApplicationEventPublisher events, Clock clock, PlatformTransactionManager transactions) {
        this.transaction = new TransactionTemplate(transactions);
        this.tenants = tenants;
        this.keycloak = keycloak;
        this.sync = sync;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
    }

    @Transactional
    public TenantView create(String name, String description, Authentication who) {
        String problem = DnsLabel.problem(name);
        if (problem != null) {
            throw ProblemException.invalid("name " + problem);
        }
        String by = TenantAccess.username(who);
        if (!tenants.insert(name, description, by, clock.instant())) {
            throw ProblemException.conflict("tenant '" + name + "' exists already");
        }
        audit.success(by, name, "tenant.created", name, 201, null);
        sync.requestAfterCommit();
        return TenantView.of(tenants.find(name).orElseThrow());
    }

    @Transactional(readOnly = true)
    public Page<TenantView> list(Authentication who, String after, int limit) {
        String member = TenantAccess.readsAll(who) ? null : TenantAccess.username(who);
        List<TenantRepository.TenantRow> rows = tenants.list(after, limit + 1, member);
        return page(rows.stream().limit(limit).map(TenantView::of).toList(), rows.size() > limit,
                rows.isEmpty() ? null : rows.get(Math.min(limit, rows.size()) - 1).name());
    }

    @Transactional(readOnly = true)
    public TenantView get(String name, Authentication who) {
        return TenantView.of(visible(name, who));
    }

    @Transactional
    public void delete(String name, Authentication who) {
        String by = TenantAccess.username(who);
        tenants.lock(name).orElseThrow(() -> notFound(name));
        if (DEFAULT_TENANT.equals(name)) {
            throw ProblemException.conflict("the default tenant cannot be deleted");
        }
        events.publishEvent(new TenantEvents.TenantDeleted(name, by));
        tenants.delete(name);
        audit.success(by, name, "tenant.deleted", name, 204, null);
        sync.requestAfterCommit();
    }

    // ---------------------------------------------------------------- members

    @Transactional(readOnly = true)
    public Page<MemberView> members(String tenant, Authentication who, String after, int limit) {
        visible(tenant, who);
        List<TenantRepository.MemberRow> rows = tenants.members(tenant, after, limit + 1);
        return page(rows.stream().limit(limit).map(MemberView::of).toList(), rows.size() > limit,
                rows.isEmpty() ? null : rows.get(Math.min(limit, rows.size()) - 1).username());
    }

    @Transactional(readOnly = true)
    public MemberView member(String tenant, String username, Authentication who) {
        visible(tenant, who);
        return tenants.member(tenant, username).map(MemberView::of)
                .orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND,
                        "'" + username + "' is not a member of tenant '" + tenant + "'"));
    }

    /**
     * Adds the user (who must exist in Keycloak: 404 otherwise) or changes their role. Realm admins and the tenant's
     * own admins may. Keycloak is asked before the transaction, so a slow identity provider holds no connection.
     */
    public MemberChange putMember(String tenant, String username, String roleName, Authentication who) {
        TenantRole role = TenantRole.of(roleName == null ? TenantRole.MEMBER.value() : roleName)
                .orElseThrow(() -> ProblemException.invalid("role must be admin or member, got '" + roleName + "'"));
        mayManageMembers(tenant, who);
        String known = keycloak.findUser(username).map(KeycloakAdmin.User::username)
                .orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND, "no user '" + username
                        + "' in the identity provider: the user must exist there first"));
        return transaction.execute(status -> changeMember(tenant, known.toLowerCase(java.util.Locale.ROOT), role, who));
    }

    private MemberChange changeMember(String tenant, String username, TenantRole role, Authentication who) {
        String by = TenantAccess.username(who);
        tenants.lock(tenant).orElseThrow(() -> notFound(tenant));
        Optional<TenantRepository.MemberRow> before = tenants.putMember(tenant, username, role, by, clock.instant());
        if (before.isEmpty()) {
            tenants.bumpGeneration(tenant);
            audit.success(by, tenant, "member.added", username, 201, "role " + role.value());
            sync.requestAfterCommit();
        } else if (before.get().role() != role) {
            audit.success(by, tenant, "member.role-changed", username, 200,
                    "role " + before.get().role().value() + " -> " + role.value());
        }
        return new MemberChange(MemberView.of(tenants.member(tenant, username).orElseThrow()), before.isEmpty());
    }

    @Transactional
    public void removeMember(String tenant, String username, Authentication who) {
        mayManageMembers(tenant, who);
        String by = TenantAccess.username(who);
        tenants.lock(tenant).orElseThrow(() -> notFound(tenant));
        if (!tenants.removeMember(tenant, username)) {
            throw new ProblemException(ProblemType.NOT_FOUND,
                    "'" + username + "' is not a member of tenant '" + tenant + "'");
        }
        events.publishEvent(new TenantEvents.MemberRemoved(tenant, username, by));
        tenants.bumpGeneration(tenant);
        audit.success(by, tenant, "member.removed", username, 204, null);
        sync.requestAfterCommit();
    }

    /** The tenants the user belongs to, with their role in each. */
    @Transactional(readOnly = true)
    public List<MemberView> membershipsOf(String username) {
        return tenants.membershipsOf(username).stream().map(MemberView::of).toList();
    }

    /** The user's role in the tenant; empty when not a member (or no such tenant). */
    @Transactional(readOnly = true)
    public Optional<TenantRole> roleOf(String tenant, String username) {
        return tenants.member(tenant, username).map(TenantRepository.MemberRow::role);
    }

    /** The tenant if the caller may see it (admins, services, its members); 404 otherwise. */
    @Transactional(readOnly = true)
    public TenantRepository.TenantRow visible(String name, Authentication who) {
        TenantRepository.TenantRow tenant = tenants.find(name).orElseThrow(() -> notFound(name));
        if (!TenantAccess.readsAll(who) && tenants.member(name, TenantAccess.username(who)).isEmpty()) {
            throw notFound(name);
        }
        return tenant;
    }

    private void mayManageMembers(String tenant, Authentication who) {
        if (TenantAccess.isAdmin(who)) {
            tenants.find(tenant).orElseThrow(() -> notFound(tenant));
            return;
        }
        TenantRepository.MemberRow self = tenants.find(tenant)
                .flatMap(t -> tenants.member(tenant, TenantAccess.username(who)))
                .orElseThrow(() -> notFound(tenant));
        if (self.role() != TenantRole.ADMIN) {
            throw new ProblemException(ProblemType.FORBIDDEN,
                    "only admins and the tenant's admins may change its members");
        }
    }

    public static ProblemException notFound(String tenant) {
        return new ProblemException(ProblemType.NOT_FOUND, "no tenant '" + tenant + "'");
    }

    private static <T> Page<T> page(List<T> items, boolean more, String last) {
        return new Page<>(items, more ? last : null);
    }
}
