package dev.holon.auth.keycloak;

import dev.holon.auth.AuthProperties;
import dev.holon.support.security.ServiceTokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Keycloak's admin REST API ({@code <server>/admin/realms/<realm>}), the few calls auth-service needs, as the
 * {@code holon-service} client (client credentials; its service account holds realm-management's manage-users,
 * view-users, query-groups, manage-clients and friends). Plain REST with {@link RestClient}: the keycloak-admin-client
 * brings RESTEasy and Jackson 2 next to Boot's Jackson 3. Every method is one idempotent-or-checked call; a
 * connection failure, a 5xx or a refused token becomes {@link KeycloakUnavailable} (503 for an API caller, a retry
 * for the reconciler). Thread-safe.
 */
@Component
public class KeycloakAdmin {

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build(); // Keycloak adds fields
    private static final int PAGE = 100;
    private static final Logger log = LoggerFactory.getLogger(KeycloakAdmin.class);

    /** A Keycloak user, as far as auth-service cares. */
    public record User(String id, String username) {
    }

    /** A Keycloak group. */
    public record Group(String id, String name, String path) {
    }

    /** A Keycloak client: its internal id (for the admin API) and its clientId. */
    public record Client(String id, String clientId) {
    }

    private final RestClient http;

    public KeycloakAdmin(AuthProperties properties) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(properties.keycloakTimeout()).build();
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(client);
        requests.setReadTimeout(properties.keycloakTimeout());
        this.http = RestClient.builder()
                .baseUrl(properties.adminUrl())
                .requestFactory(requests)
                .requestInterceptor(ServiceTokens.clientCredentials(properties.clientId(), properties.clientSecret(),
                        properties.tokenUrl()))
                .build();
    }

    // ---------------------------------------------------------------- users

    /** The user with exactly this username; empty when Keycloak has none. */
    public Optional<User> findUser(String username) {
        JsonNode users = call("look up user " + username, () -> json(http.get()
                .uri(u -> u.path("/users").queryParam("username", "{u}").queryParam("exact", true)
                        .queryParam("briefRepresentation", true).build(username))
                .retrieve().body(String.class)));
        for (JsonNode user : users) {
            if (username.equalsIgnoreCase(user.path("username").asString())) {
                return Optional.of(user(user));
            }
        }
        return Optional.empty();
    }

    /** The paths of the user's groups ({@code /tenants/default}, ...). */
    public List<String> groupsOf(String userId) {
        JsonNode groups = call("read a user's groups", () -> json(http.get()
                .uri("/users/{id}/groups?briefRepresentation=true&max=1000", userId).retrieve().body(String.class)));
        List<String> paths = new ArrayList<>();
        groups.forEach(g -> paths.add(g.path("path").asString()));
        return paths;
    }

    // ---------------------------------------------------------------- groups

    /** The group at {@code /<parent>/<name>} or the top-level group {@code /<name>} (name null). */
    public Optional<Group> groupByPath(String parent, String name) {
        return call("look up a group", () -> {
            try {
                String body = name == null
                        ? http.get().uri("/group-by-path/{p}", parent).retrieve().body(String.class)
                        : http.get().uri("/group-by-path/{p}/{n}", parent, name).retrieve().body(String.class);
                return Optional.of(group(json(body)));
            } catch (HttpClientErrorException.NotFound e) {
                return Optional.empty();
            }
        });
    }

    /** Creates a top-level group; its id. */
    public String createGroup(String name) {
        return call("create group " + name, () -> idOf(http.post().uri("/groups")
                .contentType(MediaType.APPLICATION_JSON).body(write(Map.of("name", name)))
                .retrieve().toBodilessEntity()));
    }

    /** Creates {@code name} under the parent; empty when it exists already (409). */
    public Optional<String> createChildGroup(String parentId, String name) {
        return call("create group " + name, () -> {
            try {
                return Optional.of(idOf(http.post().uri("/groups/{id}/children", parentId)
                        .contentType(MediaType.APPLICATION_JSON).body(write(Map.of("name", name)))
                        .retrieve().toBodilessEntity()));
            } catch (HttpClientErrorException.Conflict e) {
                return Optional.empty();
            }
        });
    }

    /** Every direct subgroup of the group. */
    public List<Group> children(String parentId) {
        List<Group> children = new ArrayList<>();
        for (int first = 0; ; first += PAGE) {
            int from = first;
            JsonNode page = call("list groups", () -> json(http.get()
                    .uri("/groups/{id}/children?briefRepresentation=true&first={f}&max={m}", parentId, from, PAGE)
                    .retrieve().body(String.class)));
            page.forEach(g -> children.add(group(g)));
            if (page.size() < PAGE) {
                return children;
            }
        }
    }

    /** Deletes the group; gone already is fine. */
    public void deleteGroup(String groupId) {
        call("delete a group", () -> {
            try {
                http.delete().uri("/groups/{id}", groupId).retrieve().toBodilessEntity();
            } catch (HttpClientErrorException.NotFound e) {
                // converged already
            }
            return null;
        });
    }

    /** Every direct member of the group. */
    public List<User> members(String groupId) {
        List<User> members = new ArrayList<>();
        for (int first = 0; ; first += PAGE) {
            int from = first;
            JsonNode page = call("list group members", () -> json(http.get()
                    .uri("/groups/{id}/members?briefRepresentation=true&first={f}&max={m}", groupId, from, PAGE)
                    .retrieve().body(String.class)));
            page.forEach(u -> members.add(user(u)));
            if (page.size() < PAGE) {
                return members;
            }
        }
    }

    public void addMember(String groupId, String userId) {
        call("add a group member", () -> http.put().uri("/users/{u}/groups/{g}", userId, groupId)
                .retrieve().toBodilessEntity());
    }

    /** Removes the membership; not a member (or no such user) is fine. */
    public void removeMember(String groupId, String userId) {
        call("remove a group member", () -> {
            try {
                http.delete().uri("/users/{u}/groups/{g}", userId, groupId).retrieve().toBodilessEntity();
            } catch (HttpClientErrorException.NotFound e) {
                // converged already
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- clients

    public Optional<Client> findClient(String clientId) {
        JsonNode clients = call("look up client " + clientId, () -> json(http.get()
                .uri(u -> u.path("/clients").queryParam("clientId", "{c}").build(clientId))
                .retrieve().body(String.class)));
        for (JsonNode client : clients) {
            if (clientId.equals(client.path("clientId").asString())) {
                return Optional.of(new Client(client.path("id").asString(), clientId));
            }
        }
        return Optional.empty();
    }

    /**
     * Creates a confidential client with a service account (client credentials only) and the given secret; its
     * tokens carry {@code audience}. Empty when a client with that clientId exists already.
     */
    public Optional<Client> createServiceClient(String clientId, String displayName, String description,
            String secret, String audience) {
        Map<String, Object> audienceMapper = Map.of(
                "name", "audience-" + audience,
                "protocol", "openid-connect",
                "protocolMapper", "oidc-audience-mapper",
                "consentRequired", false,
                "config", Map.of("included.custom.audience", audience, "access.token.claim", "true",
                        "id.token.claim", "false", "introspection.token.claim", "true"));
        Map<String, Object> client = new java.util.LinkedHashMap<>();
        client.put("clientId", clientId);
        client.put("name", displayName);
        client.put("description", description);
        client.put("enabled", true);
        client.put("protocol", "openid-connect");
        client.put("publicClient", false);
        client.put("clientAuthenticatorType", "client-secret");
        client.put("secret", secret);
        client.put("standardFlowEnabled", false);
        client.put("directAccessGrantsEnabled", false);
        client.put("implicitFlowEnabled", false);
        client.put("serviceAccountsEnabled", true);
        client.put("protocolMappers", List.of(audienceMapper));
        return call("create client " + clientId, () -> {
            try {
                String id = idOf(http.post().uri("/clients").contentType(MediaType.APPLICATION_JSON)
                        .body(write(client)).retrieve().toBodilessEntity());
                return Optional.of(new Client(id, clientId));
            } catch (HttpClientErrorException.Conflict e) {
                return Optional.empty();
            }
        });
    }

    /**
     * Gives the client's service account the realm roles. The role representations come from the account's own
     * "available roles" (what view-users and manage-users may map): reading a realm role directly needs view-realm,
     * which holon-service does not hold.
     */
    public void grantRealmRoles(Client client, List<String> roles) {
        call("grant roles to " + client.clientId(), () -> {
            String account = json(http.get().uri("/clients/{id}/service-account-user", client.id())
                    .retrieve().body(String.class)).path("id").asString();
            JsonNode available = json(http.get().uri("/users/{id}/role-mappings/realm/available", account)
                    .retrieve().body(String.class));
            List<Object> representations = new ArrayList<>();
            for (String role : roles) {
                JsonNode found = null;
                for (JsonNode candidate : available) {
                    if (role.equals(candidate.path("name").asString())) {
                        found = candidate;
                    }
                }
                if (found == null) {
                    throw new IllegalStateException("realm role " + role + " is not available to " + client.clientId());
                }
                representations.add(JSON.treeToValue(found, Map.class));
            }
            http.post().uri("/users/{id}/role-mappings/realm", account)
                    .contentType(MediaType.APPLICATION_JSON).body(write(representations))
                    .retrieve().toBodilessEntity();
            return null;
        });
    }

    /** Gives the confidential client a new random secret (the old one stops working) and returns it. */
    public String regenerateSecret(Client client) {
        return call("new secret for " + client.clientId(), () -> json(http.post()
                .uri("/clients/{id}/client-secret", client.id())
                .retrieve().body(String.class)).path("value").asString());
    }

    /** Deletes the client (its service account goes with it); gone already is fine. */
    public void deleteClient(Client client) {
        call("delete client " + client.clientId(), () -> {
            try {
                http.delete().uri("/clients/{id}", client.id()).retrieve().toBodilessEntity();
            } catch (HttpClientErrorException.NotFound e) {
                // converged already
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- plumbing

    /** Runs one call; anything but an answer the caller handles becomes {@link KeycloakUnavailable}. */
    private static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (KeycloakUnavailable e) {
            throw e;
        } catch (RuntimeException e) {
            log.warn("Keycloak admin API: could not {}: {}", what, e.toString());
            throw new KeycloakUnavailable(what, e);
        }
    }

    private static String idOf(ResponseEntity<Void> created) {
        URI location = created.getHeaders().getLocation();
        HttpStatusCode status = created.getStatusCode();
        if (location == null || !status.is2xxSuccessful()) {
            throw new IllegalStateException("Keycloak answered " + status + " without a Location");
        }
        String path = location.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static JsonNode json(String body) {
        return JSON.readTree(body == null ? "null" : body);
    }

    private static String write(Object value) {
        return JSON.writeValueAsString(value);
    }

    private static User user(JsonNode node) {
        return new User(node.path("id").asString(), node.path("username").asString());
    }

    private static Group group(JsonNode node) {
        return new Group(node.path("id").asString(), node.path("name").asString(), node.path("path").asString());
    }
}
