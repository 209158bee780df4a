package dev.holon.worker.identity;

import org.springframework.core.convert.converter.Converter;

/**
 * Binds {@code holon.worker.labels=zone=a,rack=r1} (the launcher's {@code HOLON_WORKER_LABELS}) to {@link NodeLabels}.
 * A class, not a lambda: the conversion service reads the source and target types from its signature.
 */
public final class NodeLabelsConverter implements Converter<String, NodeLabels> {

    @Override
    public NodeLabels convert(String source) {
        return NodeLabels.parse(source);
    }
}
