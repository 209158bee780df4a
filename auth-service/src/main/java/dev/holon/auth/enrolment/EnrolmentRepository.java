package dev.holon.auth.enrolment;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code enrolment_token} and {@code enrolled_node} tables. */
@Repository
public class EnrolmentRepository {

    public record TokenRow(String id, String description, byte[] secretHash, int uses, int used, String createdBy,
                           Instant createdAt, Instant expiresAt, Instant revokedAt, String revokedBy) {
    }

    public record NodeRow(String nodeName, String clientId, String tokenId, Instant enrolledAt) {
    }

    private final JdbcClient jdbc;

    public EnrolmentRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(TokenRow token) {
        jdbc.sql("""
                        INSERT INTO enrolment_token (id, description, secret_hash, uses, used, created_by, created_at, expires_at)
                        VALUES (?, ?, ?, ?, 0, ?, ?, ?)""")
                .params(token.id(), token.description(), token.secretHash(), token.uses(), token.createdBy(),
                        Timestamp.from(token.createdAt()), Timestamp.from(token.expiresAt()))
                .update();
    }

    public Optional<TokenRow> find(String id) {
        return jdbc.sql("SELECT * FROM enrolment_token WHERE id = ?").param(id).query(EnrolmentRepository::token).optional();
    }

    public List<TokenRow> list(String after, int limit) {
        return jdbc.sql("""
                        SELECT * FROM enrolment_token WHERE (CAST(:after AS TEXT) IS NULL OR id > :after)
                        ORDER BY id LIMIT :limit""")
                .param("after", after).param("limit", limit).query(EnrolmentRepository::token).list();
    }

    public boolean revoke(String id, String by, Instant now) {
        return jdbc.sql("UPDATE enrolment_token SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL")
                .params(Timestamp.from(now), by, id).update() == 1;
    }

    /** Takes one use if the token is still good at {@code now}: atomic, so two redeemers never share the last one. */
    public boolean claimUse(String id, Instant now) {
        return jdbc.sql("""
                        UPDATE enrolment_token SET used = used + 1
                        WHERE id = ? AND revoked_at IS NULL AND expires_at > ? AND used < uses""")
                .params(id, Timestamp.from(now)).update() == 1;
    }

    /** Gives a use back (the client could not be made). */
    public void releaseUse(String id) {
        jdbc.sql("UPDATE enrolment_token SET used = used - 1 WHERE id = ? AND used > 0").param(id).update();
    }

    /** False when the node name is taken. */
    public boolean insertNode(NodeRow node) {
        return jdbc.sql("""
                        INSERT INTO enrolled_node (node_name, client_id, token_id, enrolled_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT DO NOTHING""")
                .params(node.nodeName(), node.clientId(), node.tokenId(), Timestamp.from(node.enrolledAt()))
                .update() == 1;
    }

    public Optional<NodeRow> findNode(String nodeName) {
        return jdbc.sql("SELECT * FROM enrolled_node WHERE node_name = ?").param(nodeName)
                .query(EnrolmentRepository::node).optional();
    }

    public List<NodeRow> nodes(String after, int limit) {
        return jdbc.sql("""
                        SELECT * FROM enrolled_node WHERE (CAST(:after AS TEXT) IS NULL OR node_name > :after)
                        ORDER BY node_name LIMIT :limit""")
                .param("after", after).param("limit", limit).query(EnrolmentRepository::node).list();
    }

    public boolean deleteNode(String nodeName) {
        return jdbc.sql("DELETE FROM enrolled_node WHERE node_name = ?").param(nodeName).update() == 1;
    }

    private static TokenRow token(ResultSet rs, int n) throws SQLException {
        Timestamp revoked = rs.getTimestamp("revoked_at");
        return new TokenRow(rs.getString("id"), rs.getString("description"), rs.getBytes("secret_hash"),
                rs.getInt("uses"), rs.getInt("used"), rs.getString("created_by"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("expires_at").toInstant(),
                revoked == null ? null : revoked.toInstant(), rs.getString("revoked_by"));
    }

    private static NodeRow node(ResultSet rs, int n) throws SQLException {
        return new NodeRow(rs.getString("node_name"), rs.getString("client_id"), rs.getString("token_id"),
                rs.getTimestamp("enrolled_at").toInstant());
    }
}
