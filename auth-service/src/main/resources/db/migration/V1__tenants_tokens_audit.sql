-- auth-service's own schema (auth). The outbox and processed_event tables come from service-support (db/support).

-- Tenants: the namespaces every object belongs to. Keycloak group /tenants/<name> mirrors each one; generation counts
-- changes to the tenant's members and synced_generation is what the Keycloak reconciler last made true there.
CREATE TABLE tenant (
    name              TEXT        PRIMARY KEY,
    description       TEXT,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by        TEXT        NOT NULL,
    generation        BIGINT      NOT NULL DEFAULT 1,
    synced_generation BIGINT      NOT NULL DEFAULT 0
);

-- Who belongs to a tenant and as what: the truth for roles in a tenant (Keycloak only carries the membership).
CREATE TABLE tenant_member (
    tenant   TEXT        NOT NULL REFERENCES tenant (name) ON DELETE CASCADE,
    username TEXT        NOT NULL,
    role     TEXT        NOT NULL CHECK (role IN ('admin', 'member')),
    added_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    added_by TEXT        NOT NULL,
    PRIMARY KEY (tenant, username)
);
CREATE INDEX tenant_member_by_user ON tenant_member (username);

-- A tenant's limits; null = unlimited. No row = every limit null.
CREATE TABLE tenant_quota (
    tenant        TEXT        PRIMARY KEY REFERENCES tenant (name) ON DELETE CASCADE,
    cpu_millis    BIGINT CHECK (cpu_millis >= 0),
    memory_mib    BIGINT CHECK (memory_mib >= 0),
    gpus          BIGINT CHECK (gpus >= 0),
    storage_bytes BIGINT CHECK (storage_bytes >= 0),
    files         BIGINT CHECK (files >= 0),
    version       BIGINT      NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    updated_by    TEXT        NOT NULL
);

-- Personal access tokens: only the SHA-256 of the secret is kept. roles are the creator's realm roles at issuance.
CREATE TABLE personal_access_token (
    id           TEXT        PRIMARY KEY,
    name         TEXT        NOT NULL,
    owner        TEXT        NOT NULL,
    tenant       TEXT        NOT NULL,
    scopes       TEXT[]      NOT NULL,
    roles        TEXT[]      NOT NULL,
    secret_hash  BYTEA       NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ,
    revoked_by   TEXT,
    last_used_at TIMESTAMPTZ
);
CREATE INDEX personal_access_token_by_owner ON personal_access_token (owner, id);
CREATE INDEX personal_access_token_by_tenant ON personal_access_token (tenant) WHERE revoked_at IS NULL;

-- The RSA key JWTs for personal access tokens are signed with, shared by every replica and kept across restarts.
-- One row per key id; the JWKS serves all of them, new tokens are signed with the newest.
CREATE TABLE signing_key (
    kid         TEXT        PRIMARY KEY,
    public_key  BYTEA       NOT NULL,
    private_key BYTEA       NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Node enrolment tokens: a node redeems one for its own Keycloak client (holon-node-<name>); `uses` redemptions.
CREATE TABLE enrolment_token (
    id          TEXT        PRIMARY KEY,
    description TEXT,
    secret_hash BYTEA       NOT NULL,
    uses        INT         NOT NULL CHECK (uses > 0),
    used        INT         NOT NULL DEFAULT 0 CHECK (used >= 0 AND used <= uses),
    created_by  TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ,
    revoked_by  TEXT
);

-- Nodes enrolled through a token: the Keycloak client each one got.
CREATE TABLE enrolled_node (
    node_name   TEXT        PRIMARY KEY,
    client_id   TEXT        NOT NULL UNIQUE,
    token_id    TEXT        NOT NULL,
    enrolled_at TIMESTAMPTZ NOT NULL
);

-- The audit log: every AuditFact seen on holon.audit, once (the envelope id is the key).
CREATE TABLE audit_entry (
    id          TEXT        PRIMARY KEY,
    actor       TEXT        NOT NULL,
    tenant      TEXT,
    action      TEXT        NOT NULL,
    target      TEXT,
    outcome     TEXT        NOT NULL,
    status      INT         NOT NULL,
    detail      TEXT,
    source_ip   TEXT,
    at          TIMESTAMPTZ NOT NULL,
    source      TEXT,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX audit_entry_at ON audit_entry (at);
CREATE INDEX audit_entry_actor ON audit_entry (actor, id);
CREATE INDEX audit_entry_tenant ON audit_entry (tenant, id);
CREATE INDEX audit_entry_action ON audit_entry (action, id);

-- The tenant every cluster starts with, with the realm's demo identities (local-cluster's holon-realm.json puts the
-- same three in Keycloak's /tenants/default).
INSERT INTO tenant (name, description, created_by, generation, synced_generation)
VALUES ('default', 'The tenant every cluster starts with', 'system', 1, 0);
INSERT INTO tenant_member (tenant, username, role, added_by) VALUES
    ('default', 'admin', 'admin', 'system'),
    ('default', 'operator', 'member', 'system'),
    ('default', 'demo', 'member', 'system');
