package dev.holon.registry.node;

import dev.holon.contracts.node.GpuDevice;
import jakarta.persistence.AttributeConverter;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Small structured values stored as JSON text, so a node stays one row. */
final class JsonColumns {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private JsonColumns() {
    }

    static final class Labels implements AttributeConverter<Map<String, String>, String> {
        @Override
        public String convertToDatabaseColumn(Map<String, String> labels) {
            return JSON.writeValueAsString(labels == null ? Map.of() : labels);
        }

        @Override
        public Map<String, String> convertToEntityAttribute(String json) {
            return json == null ? new TreeMap<>() : new TreeMap<>(JSON.readValue(json, new TypeReference<Map<String, String>>() { }));
        }
    }

    static final class Gpus implements AttributeConverter<List<GpuDevice>, String> {
        @Override
        public String convertToDatabaseColumn(List<GpuDevice> gpus) {
            return JSON.writeValueAsString(gpus == null ? List.of() : gpus);
        }

        @Override
        public List<GpuDevice> convertToEntityAttribute(String json) {
            return json == null ? List.of() : JSON.readValue(json, new TypeReference<List<GpuDevice>>() { });
        }
    }
}
