package dev.holon.gateway.stream;

/**
 * One fact as the dashboard stream sends it: its position in this gateway's buffer, the envelope's type,
 * the tenant it belongs to ({@code null}: visible to everyone, as node facts are) and the envelope as JSON.
 */
public record StreamFact(long sequence, String type, String tenant, String json) {
}
