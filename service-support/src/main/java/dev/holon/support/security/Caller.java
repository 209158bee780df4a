package dev.holon.support.security;

import dev.holon.contracts.problem.ProblemType;
import dev.holon.support.problem.ProblemException;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import java.util.Collection;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Who is asking and in which tenant: the owner of what they submit ({@code preferred_username}), the tenants they
 * belong to, the one they act in for this request, and whether they may see everyone's objects (operators and
 * admins). One class for every service that scopes objects to a tenant (scheduler jobs, storage files) and for the
 * gateway's audit.
 *
 * <p>Tenants come from the token's {@code groups} claim: Keycloak puts a user's groups there as full paths, and a
 * tenant is the group {@code /tenants/<name>}. A legacy {@code tenant} claim, where a token has one, counts as one
 * more tenant. The acting tenant of a request is the one named by the {@value #TENANT_HEADER} header (which must be
 * one of the caller's, except for admins and the cluster's own machine identities, who act for every tenant), else
 * the caller's only tenant. Resolution is lazy: a caller who is in no tenant, or in several without naming one, is
 * refused (403 or 400 problem) only when something asks for {@link #tenant()} or {@link #mayActIn(String)} — a node
 * uploading a task's output has no tenant, and needs none to be named as its owner. A header that names a tenant the
 * caller is not in is refused at once, by {@link #of}.
 */
public final class Caller {

    /** The request header a member of several tenants names the tenant of this request with. */
    public static final String TENANT_HEADER = "X-Holon-Tenant";
    /** The claim Keycloak puts group full paths in. */
    public static final String GROUPS_CLAIM = "groups";
    /** Tenants are the groups under this path: {@code /tenants/<name>}. */
    public static final String TENANT_GROUP_PREFIX = "/tenants/";
    /** The claim older tokens carried one tenant name in; still honoured. */
    public static final String LEGACY_TENANT_CLAIM = "tenant";
    /** What a member of no tenant is told, wherever a tenant is needed. */
    public static final String NO_TENANT = "you belong to no tenant; ask an admin to add you";

    private static final int MAX_TENANT_NAME = 63;
    private static final boolean SERVLET = isPresent("jakarta.servlet.http.HttpServletRequest");

    private final String username;
    private final SortedSet<String> tenants;
    private final String named;
    private final boolean seesAll;
    private final boolean actsForEveryTenant;

    /** A caller of exactly one tenant (tests, and code acting on a known tenant's behalf). */
    public Caller(String username, String tenant, boolean seesAll) {
        this(username, tenant == null ? Set.of() : Set.of(tenant), null, seesAll, false);
    }

    private Caller(String username, Collection<String> tenants, String named, boolean seesAll,
                   boolean actsForEveryTenant) {
        this.username = username;
        this.tenants = Collections.unmodifiableSortedSet(new TreeSet<>(tenants));
        this.named = named;
        this.seesAll = seesAll;
        this.actsForEveryTenant = actsForEveryTenant;
    }

    /**
     * The caller of the current request, with the tenant its {@value #TENANT_HEADER} header names (read from the
     * servlet request bound to this thread, if any).
     *
     * @throws ProblemException 403 when the header names a tenant the caller may not act in, 400 when it is malformed
     */
    public static Caller of(Authentication authentication) {
        return of(authentication, currentRequestHeader());
    }

    /**
     * The caller, acting in {@code namedTenant} (the header's value; null or blank when none was named).
     *
     * @throws ProblemException 403 when it names a tenant the caller may not act in, 400 when it is malformed
     */
    public static Caller of(Authentication authentication, String namedTenant) {
        String username = authentication.getName();
        Set<String> tenants = new TreeSet<>();
        if (authentication instanceof JwtAuthenticationToken jwt) {
            Jwt token = jwt.getToken();
            String preferred = token.getClaimAsString("preferred_username");
            username = preferred != null ? preferred : username;
            tenants.addAll(tenantsOf(token));
        }
        boolean admin = hasRole(authentication, Roles.ADMIN);
        boolean seesAll = admin || hasRole(authentication, Roles.OPERATOR);
        boolean machine = hasRole(authentication, Roles.NODE) || hasRole(authentication, Roles.SERVICE);
        String named = namedTenant == null || namedTenant.isBlank() ? null : namedTenant.strip();
        if (named != null) {
            checkName(named);
            if (!tenants.contains(named) && !admin && !machine) {
                throw new ProblemException(ProblemType.FORBIDDEN, tenants.isEmpty() ? NO_TENANT
                        : "you are not a member of tenant '" + named + "' (" + TENANT_HEADER + "); yours: "
                                + String.join(", ", tenants));
            }
        }
        return new Caller(username, tenants, named, seesAll, admin || machine);
    }

    /** The tenant names in a token: its {@code /tenants/<name>} groups and its legacy {@code tenant} claim. */
    public static Set<String> tenantsOf(Jwt token) {
        Set<String> tenants = new TreeSet<>();
        Object groups = token.getClaims().get(GROUPS_CLAIM);
        if (groups instanceof Collection<?> paths) {
            for (Object path : paths) {
                tenantOfGroup(String.valueOf(path)).ifPresent(tenants::add);
            }
        }
        String legacy = token.getClaimAsString(LEGACY_TENANT_CLAIM);
        if (legacy != null && !legacy.isBlank()) {
            tenants.add(legacy.strip());
        }
        return tenants;
    }

    /**
     * The tenant a group path stands for: {@code /tenants/acme} is tenant {@code acme}, and so is a subgroup such as
     * {@code /tenants/acme/team-a}; other groups are none. Also accepts paths without the leading slash, as Keycloak
     * writes them when its mapper's "full path" is switched off ({@code tenants/acme} is not ambiguous).
     */
    static Optional<String> tenantOfGroup(String path) {
        String full = path.startsWith("/") ? path : "/" + path;
        if (!full.startsWith(TENANT_GROUP_PREFIX)) {
            return Optional.empty();
        }
        String rest = full.substring(TENANT_GROUP_PREFIX.length());
        int slash = rest.indexOf('/');
        String name = slash < 0 ? rest : rest.substring(0, slash);
        return name.isBlank() ? Optional.empty() : Optional.of(name);
    }

    /** Who acts: the token's {@code preferred_username}, else the principal's name (a client id). */
    public String username() {
        return username;
    }

    /** Operators and admins see every tenant's objects (not change them: see the services). */
    public boolean seesAll() {
        return seesAll;
    }

    /** Every tenant the caller belongs to, sorted; empty for a member of none and for machine identities. */
    public Set<String> tenants() {
        return tenants;
    }

    /** The tenant named by the request's header, if one was (already checked to be allowed). */
    public Optional<String> namedTenant() {
        return Optional.ofNullable(named);
    }

    /**
     * The tenant this request acts in: the one named by the header, else the caller's only tenant.
     *
     * @throws ProblemException 403 for a member of no tenant; 400 for a member of several who named none
     */
    public String tenant() {
        if (named != null) {
            return named;
        }
        if (tenants.size() == 1) {
            return tenants.first();
        }
        if (tenants.isEmpty()) {
            throw new ProblemException(ProblemType.FORBIDDEN, NO_TENANT);
        }
        throw ProblemException.invalid("you belong to several tenants (" + String.join(", ", tenants)
                + "): name the one this request is for with the " + TENANT_HEADER + " header");
    }

    /** {@link #tenant()} without the problems: empty where it would refuse. For audit and logs. */
    public Optional<String> tenantIfKnown() {
        if (named != null) {
            return Optional.of(named);
        }
        return tenants.size() == 1 ? Optional.of(tenants.first()) : Optional.empty();
    }

    /**
     * Whether the caller may reach objects of {@code tenant} (a tenant a path names, such as a file's): admins and
     * the cluster's machine identities (nodes, services) reach every tenant; anyone else a tenant they belong to —
     * only the named one when the request names one, so a request pinned to a tenant stays in it.
     *
     * @throws ProblemException 403 for a member of no tenant (who should hear why, not a 404)
     */
    public boolean mayActIn(String tenant) {
        if (actsForEveryTenant) {
            return true;
        }
        if (named != null) {
            return named.equals(tenant);
        }
        if (tenants.isEmpty()) {
            throw new ProblemException(ProblemType.FORBIDDEN, NO_TENANT);
        }
        return tenants.contains(tenant);
    }

    /** Admins reach every tenant's objects (another tenant's files, for example); operators do not. */
    public static boolean isAdmin(Authentication authentication) {
        return hasRole(authentication, Roles.ADMIN);
    }

    private static boolean hasRole(Authentication authentication, String role) {
        return authentication.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_" + role));
    }

    private static void checkName(String name) {
        boolean valid = name.length() <= MAX_TENANT_NAME && name.chars().allMatch(c -> c > 0x20 && c != '/' && c != 0x7f);
        if (!valid) {
            throw ProblemException.invalid(TENANT_HEADER + " must be a tenant name (at most " + MAX_TENANT_NAME
                    + " characters, no spaces or slashes)");
        }
    }

    private static String currentRequestHeader() {
        return SERVLET ? ServletHeader.current() : null;
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, Caller.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Kept apart so a reactive application (the gateway), without the servlet API, never loads it. */
    private static final class ServletHeader {
        static String current() {
            RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
            if (attributes instanceof ServletRequestAttributes servlet) {
                return servlet.getRequest().getHeader(TENANT_HEADER);
            }
            return null;
        }
    }

    @Override
    public String toString() {
        return "Caller[" + username + ", tenants " + tenants + (named != null ? ", acting in " + named : "")
                + (seesAll ? ", sees all" : "") + "]";
    }
}
