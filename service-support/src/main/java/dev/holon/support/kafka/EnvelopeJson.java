package dev.holon.support.kafka;

import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.event.EventTypes;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;

/**
 * Reads and writes {@link EventEnvelope}s as JSON. {@code data} becomes the record registered for the
 * envelope's {@code type}; for a type this service does not know it stays a {@link JsonNode}, so a newer
 * producer never breaks an older consumer.
 */
public final class EnvelopeJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private EnvelopeJson() {
    }

    public static byte[] write(EventEnvelope<?> envelope) {
        return MAPPER.writeValueAsBytes(envelope);
    }

    public static EventEnvelope<Object> read(byte[] json) {
        JsonNode tree = MAPPER.readTree(json);
        String type = tree.path("type").asString();
        JsonNode dataNode = tree.path("data");
        Object data = EventTypes.dataClassOf(type)
                .<Object>map(dataClass -> MAPPER.treeToValue(dataNode, dataClass))
                .orElse(dataNode);
        return new EventEnvelope<>(
                tree.path("id").asString(),
                type,
                tree.path("source").asString(),
                Instant.parse(tree.path("time").asString()),
                nullable(tree, "subject"),
                nullable(tree, "tenant"),
                tree.path("dataVersion").asInt(1),
                data);
    }

    private static String nullable(JsonNode tree, String field) {
        JsonNode node = tree.get(field);
        return node == null || node.isNull() ? null : node.asString();
    }
}
