package dev.holon.auth.enrolment;

import dev.holon.auth.AuthProperties;
import dev.holon.auth.DnsLabel;
import dev.holon.auth.audit.AuditLog;
import dev.holon.auth.keycloak.KeycloakAdmin;
import dev.holon.auth.tenant.TenantAccess;
import dev.holon.auth.token.Lifetimes;
import dev.holon.auth.token.OpaqueTokens;
import dev.holon.contracts.Ids;
import dev.holon.contracts.Page;
import dev.holon.contracts.problem.ProblemType;
import dev.holon.support.problem.ProblemException;
import dev.holon.support.security.NodeClients;
import dev.holon.support.security.Roles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Node enrolment: operators make tokens ({@code hne_<id>_<secret>}, shown once, good for {@code uses} nodes until they
 * expire); a new machine redeems one for its own Keycloak client {@code holon-node-<nodeName>} (confidential, client
 * credentials only, service account with realm role {@code node}, tokens for audience {@code holon}) and gets its
 * credentials once. A use is claimed atomically before Keycloak is called and given back if Keycloak fails, so a token
 * is never over-used and a failed redemption costs nothing. Deleting the node's client cuts it off (its current access
 * token lives out its few minutes).
 */
@Service
public class EnrolmentService {

    public static final String PREFIX = "hne_";
    static final int MAX_USES = 1000;
    /**
     * How long after its enrolment a node may redeem the same token again and get fresh credentials for the same
     * client: the answer to its first redemption may have been lost (a timeout while Keycloak was slow).
     */
    static final Duration RETRY_GRACE = Duration.ofMinutes(10);

    private static final Logger log = LoggerFactory.getLogger(EnrolmentService.class);

    /** What a node gets once: its id and its client credentials. */
    public record Redeemed(String nodeId, String clientId, String clientSecret, String tokenUrl) {
    }

    /** An enrolled node's record. */
    public record NodeView(String nodeName, String clientId, String tokenId, Instant enrolledAt) {
    }

    private final EnrolmentRepository enrolments;
    private final KeycloakAdmin keycloak;
    private final AuditLog audit;
    private final AuthProperties properties;
    private final Clock clock;
    private final TransactionTemplate transaction;
    private final String audience;

    public EnrolmentService(EnrolmentRepository enrolments, KeycloakAdmin keycloak, AuditLog audit,
            AuthProperties properties, Clock clock, PlatformTransactionManager transactions,
            @Value("${holon.security.audience:holon}") String audience) {
        this.enrolments = enrolments;
        this.keycloak = keycloak;
        this.audit = audit;
        this.properties = properties;
        this.clock = clock;
        this.transaction = new TransactionTemplate(transactions);
        this.audience = audience;
    }

    @Transactional
    public EnrolmentView create(Integer uses, Duration expiresIn, Instant expiresAt, String description,
            Authentication who) {
        int count = uses == null ? 1 : uses;
        if (count < 1 || count > MAX_USES) {
            throw ProblemException.invalid("uses must be between 1 and " + MAX_USES + ", got " + count);
        }
        Instant now = clock.instant();
        Instant expiry;
        try {
            expiry = Lifetimes.expiry(expiresIn, expiresAt, now, properties.enrolmentDefaultLifetime(),
                    properties.enrolmentMaxLifetime());
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(e.getMessage());
        }
        String by = TenantAccess.username(who);
        OpaqueTokens.Issued issued = OpaqueTokens.issue(PREFIX, Ids.newId());
        EnrolmentRepository.TokenRow row = new EnrolmentRepository.TokenRow(issued.id(), description, issued.hash(),
                count, 0, by, now, expiry, null, null);
        enrolments.insert(row);
        audit.success(by, null, "enrolment.created", issued.id(), 201, count + " use(s), expires " + expiry);
        return EnrolmentView.of(row, now, issued.token());
    }

    @Transactional(readOnly = true)
    public Page<EnrolmentView> list(String after, int limit) {
        Instant now = clock.instant();
        List<EnrolmentRepository.TokenRow> rows = enrolments.list(after, limit + 1);
        List<EnrolmentView> items = rows.stream().limit(limit).map(r -> EnrolmentView.of(r, now, null)).toList();
        return new Page<>(items, rows.size() > limit ? items.getLast().id() : null);
    }

    @Transactional(readOnly = true)
    public EnrolmentView get(String id) {
        return enrolments.find(id).map(r -> EnrolmentView.of(r, clock.instant(), null))
                .orElseThrow(() -> ProblemException.notFound("enrolment token", id));
    }

    @Transactional
    public void revoke(String id, Authentication who) {
        enrolments.find(id).orElseThrow(() -> ProblemException.notFound("enrolment token", id));
        String by = TenantAccess.username(who);
        if (enrolments.revoke(id, by, clock.instant())) {
            audit.success(by, null, "enrolment.revoked", id, 204, null);
        }
    }

    /** Unauthenticated: the token is the credential. Refusals are audited and answered 401 or 403. */
    public Redeemed redeem(String token, String nodeName) {
        String problem = DnsLabel.problem(nodeName);
        if (problem != null) {
            throw ProblemException.invalid("nodeName " + problem);
        }
        String actor = "node:" + nodeName;
        Optional<OpaqueTokens.Presented> presented = OpaqueTokens.parse(PREFIX, token);
        if (presented.isEmpty()) {
            throw refuse(ProblemType.UNAUTHORIZED, actor, null, "not an enrolment token");
        }
        String id = presented.get().id();
        EnrolmentRepository.TokenRow row = enrolments.find(id)
                .filter(r -> OpaqueTokens.matches(presented.get(), r.secretHash()))
                .orElseThrow(() -> refuse(ProblemType.UNAUTHORIZED, actor, id, "unknown enrolment token"));
        Instant now = clock.instant();
        String state = EnrolmentView.state(row, now);
        Optional<EnrolmentRepository.NodeRow> enrolled = enrolments.findNode(nodeName);
        if (enrolled.isPresent() && enrolled.get().tokenId().equals(id) && !state.equals("revoked")
                && !state.equals("expired") && enrolled.get().enrolledAt().isAfter(now.minus(RETRY_GRACE))) {
            return redeemAgain(enrolled.get(), actor, id);
        }
        if (!state.equals("active")) {
            throw refuse(ProblemType.FORBIDDEN, actor, id, "the enrolment token is " + state);
        }
        String clientId = NodeClients.ownClientId(nodeName);
        if (enrolled.isPresent() || keycloak.findClient(clientId).isPresent()) {
            throw refuse(ProblemType.CONFLICT, actor, id, "node '" + nodeName
                    + "' is enrolled already; an operator must remove it first (DELETE /api/v1/tokens/enrolments/nodes/"
                    + nodeName + ")");
        }
        String conflict = transaction.execute(status -> {
            if (!enrolments.claimUse(id, now)) {
                return "the enrolment token is used up";
            }
            if (!enrolments.insertNode(new EnrolmentRepository.NodeRow(nodeName, clientId, id, now))) {
                status.setRollbackOnly();
                return "node '" + nodeName + "' is enrolled already";
            }
            return null;
        });
        if (conflict != null) {
            throw refuse(conflict.startsWith("node") ? ProblemType.CONFLICT : ProblemType.FORBIDDEN, actor, id, conflict);
        }
        String secret = OpaqueTokens.randomSecret();
        KeycloakAdmin.Client client = null;
        try {
            client = keycloak.createServiceClient(clientId, "Holon node " + nodeName,
                            "Node " + nodeName + ", enrolled with token " + id, secret, audience)
                    .orElseThrow(() -> ProblemException.conflict("a Keycloak client " + clientId + " exists already"));
            keycloak.grantRealmRoles(client, List.of(Roles.NODE));
        } catch (RuntimeException e) {
            giveBack(id, nodeName, client);
            throw e;
        }
        transaction.executeWithoutResult(status -> audit.success(actor, null, "enrolment.redeemed", id, 201,
                "client " + clientId));
        log.info("Node {} enrolled with token {}: Keycloak client {}", nodeName, id, clientId);
        return new Redeemed(nodeName, clientId, secret, properties.effectiveNodeTokenUrl());
    }

    /**
     * The same node redeems the same token again soon after its enrolment: it never got the first answer. Its client
     * gets a new secret (the old one was never kept) and the node gets it; no use of the token is spent.
     */
    private Redeemed redeemAgain(EnrolmentRepository.NodeRow node, String actor, String tokenId) {
        KeycloakAdmin.Client client = keycloak.findClient(node.clientId()).orElseThrow(() -> refuse(
                ProblemType.CONFLICT, actor, tokenId, "node '" + node.nodeName() + "' is being enrolled right now;"
                        + " try again in a few seconds"));
        String secret = keycloak.regenerateSecret(client);
        transaction.executeWithoutResult(status -> audit.success(actor, null, "enrolment.redeemed-again", tokenId,
                201, "client " + client.clientId() + " has a new secret (the first answer was lost)"));
        log.info("Node {} redeemed token {} again: client {} has a new secret", node.nodeName(), tokenId,
                client.clientId());
        return new Redeemed(node.nodeName(), client.clientId(), secret, properties.effectiveNodeTokenUrl());
    }

    @Transactional(readOnly = true)
    public Page<NodeView> nodes(String after, int limit) {
        List<EnrolmentRepository.NodeRow> rows = enrolments.nodes(after, limit + 1);
        List<NodeView> items = rows.stream().limit(limit)
                .map(n -> new NodeView(n.nodeName(), n.clientId(), n.tokenId(), n.enrolledAt())).toList();
        return new Page<>(items, rows.size() > limit ? items.getLast().nodeName() : null);
    }

    /** Deletes the node's Keycloak client, so it can no longer get tokens. */
    public void unenrol(String nodeName, Authentication who) {
        if (!unenrol(nodeName, TenantAccess.username(who), "")) {
            throw ProblemException.notFound("enrolled node", nodeName);
        }
    }

    /**
     * As {@link #unenrol(String, Authentication)} for {@code by}, with {@code why} added to the audit fact; false when
     * the node was never enrolled (or is unenrolled already).
     */
    public boolean unenrol(String nodeName, String by, String why) {
        if (!DnsLabel.isValid(nodeName)) {
            return false;
        }
        String clientId = NodeClients.ownClientId(nodeName);
        Optional<KeycloakAdmin.Client> client = keycloak.findClient(clientId);
        if (client.isEmpty() && enrolments.findNode(nodeName).isEmpty()) {
            return false;
        }
        client.ifPresent(keycloak::deleteClient);
        transaction.executeWithoutResult(status -> {
            enrolments.deleteNode(nodeName);
            audit.success(by, null, "node.unenrolled", nodeName, 204, "client " + clientId + " deleted" + why);
        });
        log.info("Node {} unenrolled by {}: client {} deleted{}", nodeName, by, clientId, why);
        return true;
    }

    private void giveBack(String tokenId, String nodeName, KeycloakAdmin.Client client) {
        if (client != null) {
            try {
                keycloak.deleteClient(client);
            } catch (RuntimeException e) {
                log.warn("Could not delete half-made client {}: {}", client.clientId(), e.getMessage());
            }
        }
        transaction.executeWithoutResult(status -> {
            enrolments.releaseUse(tokenId);
            enrolments.deleteNode(nodeName);
        });
    }

    private ProblemException refuse(ProblemType type, String actor, String tokenId, String why) {
        audit.denied(actor, null, "enrolment.redeemed", tokenId, type.status(), why);
        return new ProblemException(type, why);
    }
}
