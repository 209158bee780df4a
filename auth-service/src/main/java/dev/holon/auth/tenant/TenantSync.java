package dev.holon.auth.tenant;

import dev.holon.auth.AuthProperties;
import dev.holon.auth.keycloak.KeycloakAdmin;
import dev.holon.support.concurrent.Wakeup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Makes Keycloak's groups follow the database, level-triggered: every tenant is a group {@code /tenants/<name>} whose
 * members are exactly the tenant's members; groups under {@code /tenants} without a tenant go. A pass compares the
 * desired state (database) with the actual one (Keycloak) and issues only the differences, so it may run any number
 * of times, on any replica, and after any failure. Changes wake it at once (after their commit); it also runs every
 * {@code sync-interval} for tenants whose members changed since their last successful sync ({@code generation}), and
 * compares every tenant in full every {@code full-sync-interval} (someone edited Keycloak by hand). Keycloak is read
 * before the database in a pass, so a group is never deleted for a tenant created meanwhile.
 */
@Component
public class TenantSync implements DisposableBean {

    /** The parent of every tenant group. */
    public static final String TENANTS_GROUP = "tenants";

    private static final Logger log = LoggerFactory.getLogger(TenantSync.class);

    private final TenantRepository tenants;
    private final KeycloakAdmin keycloak;
    private final AuthProperties properties;
    private final Clock clock;
    private final Wakeup wakeup = new Wakeup("tenant-sync", this::sync);
    private Instant lastFullPass = Instant.EPOCH;
    private volatile boolean lastPassFailed;

    public TenantSync(TenantRepository tenants, KeycloakAdmin keycloak, AuthProperties properties, Clock clock) {
        this.tenants = tenants;
        this.keycloak = keycloak;
        this.properties = properties;
        this.clock = clock;
    }

    /** Runs a pass soon after the current transaction commits (at once when there is none). */
    public void requestAfterCommit() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            wakeup.request();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                wakeup.request();
            }
        });
    }

    /** The periodic pass: changed tenants, and every tenant once the full interval is due. */
    @Scheduled(fixedDelayString = "${holon.auth.sync-interval:PT10S}")
    public void sync() {
        Instant now = clock.instant();
        boolean full;
        synchronized (this) {
            full = !now.isBefore(lastFullPass.plus(properties.fullSyncInterval()));
        }
        if (pass(full) && full) {
            synchronized (this) {
                lastFullPass = now;
            }
        }
    }

    /** One pass; false when Keycloak could not be brought in line (the next pass retries). */
    public synchronized boolean pass(boolean full) {
        try {
            KeycloakAdmin.Group root = keycloak.groupByPath(TENANTS_GROUP, null).orElseGet(() -> {
                log.info("Creating Keycloak group /{}", TENANTS_GROUP);
                String id = keycloak.createGroup(TENANTS_GROUP);
                return new KeycloakAdmin.Group(id, TENANTS_GROUP, "/" + TENANTS_GROUP);
            });
            Map<String, KeycloakAdmin.Group> actual = new HashMap<>();
            keycloak.children(root.id()).forEach(g -> actual.put(g.name(), g));
            List<TenantRepository.TenantRow> desired = tenants.all(); // after Keycloak: see the class comment
            Map<String, Set<String>> members = tenants.memberNames();
            Set<String> names = new HashSet<>();
            for (TenantRepository.TenantRow tenant : desired) {
                names.add(tenant.name());
                KeycloakAdmin.Group group = actual.get(tenant.name());
                boolean created = false;
                if (group == null) {
                    String id = keycloak.createChildGroup(root.id(), tenant.name())
                            .or(() -> keycloak.groupByPath(TENANTS_GROUP, tenant.name()).map(KeycloakAdmin.Group::id))
                            .orElseThrow(() -> new IllegalStateException("group of " + tenant.name() + " vanished"));
                    group = new KeycloakAdmin.Group(id, tenant.name(), "/" + TENANTS_GROUP + "/" + tenant.name());
                    created = true;
                    log.info("Created Keycloak group {}", group.path());
                }
                if (full || created || !tenant.synced()) {
                    syncMembers(group, members.getOrDefault(tenant.name(), Set.of()));
                    tenants.markSynced(tenant.name(), tenant.generation());
                }
            }
            for (KeycloakAdmin.Group group : actual.values()) {
                if (!names.contains(group.name())) {
                    keycloak.deleteGroup(group.id());
                    log.info("Deleted Keycloak group {}: no such tenant", group.path());
                }
            }
            if (lastPassFailed) {
                log.info("Keycloak's tenant groups are in line with the database again");
            }
            lastPassFailed = false;
            return true;
        } catch (RuntimeException e) {
            if (!lastPassFailed) {
                log.warn("Could not bring Keycloak's tenant groups in line, will retry: {}", e.getMessage());
            }
            lastPassFailed = true;
            return false;
        }
    }

    private void syncMembers(KeycloakAdmin.Group group, Set<String> desired) {
        Set<String> present = new HashSet<>();
        for (KeycloakAdmin.User user : keycloak.members(group.id())) {
            String username = user.username().toLowerCase(Locale.ROOT);
            if (desired.contains(username)) {
                present.add(username);
            } else {
                keycloak.removeMember(group.id(), user.id());
                log.info("Removed {} from {}", username, group.path());
            }
        }
        for (String username : desired) {
            if (present.contains(username)) {
                continue;
            }
            keycloak.findUser(username).ifPresentOrElse(user -> {
                keycloak.addMember(group.id(), user.id());
                log.info("Added {} to {}", username, group.path());
            }, () -> log.warn("{} is a member of tenant {} but not a Keycloak user (deleted there?)", username,
                    group.name()));
        }
    }

    @Override
    public void destroy() {
        wakeup.close();
    }
}
