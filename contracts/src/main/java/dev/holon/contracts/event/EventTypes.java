package dev.holon.contracts.event;

import dev.holon.contracts.audit.AuditFact;
import dev.holon.contracts.node.NodeEvent;
import dev.holon.contracts.node.NodeHeartbeat;
import dev.holon.contracts.storage.StorageEvent;
import dev.holon.contracts.task.AssignTask;
import dev.holon.contracts.task.CancelTask;
import dev.holon.contracts.task.TaskEvent;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Maps an envelope's {@code type} to the record carried in {@code data} and back.
 * The type is {@code holon.<area>.<RecordName>}; a new incompatible shape gets a new record name.
 */
public final class EventTypes {

    private static final Map<String, Class<?>> BY_TYPE = Stream.of(
                    Stream.<Class<?>>of(NodeHeartbeat.class, AssignTask.class, CancelTask.class, AuditFact.class),
                    Stream.of(NodeEvent.class.getPermittedSubclasses()),
                    Stream.of(TaskEvent.class.getPermittedSubclasses()),
                    Stream.of(StorageEvent.class.getPermittedSubclasses()))
            .flatMap(s -> s)
            .collect(Collectors.toUnmodifiableMap(EventTypes::typeOf, c -> c));

    private EventTypes() {
    }

    public static String typeOf(Class<?> dataClass) {
        String pkg = dataClass.getPackageName();
        String area = pkg.substring(pkg.lastIndexOf('.') + 1);
        return "holon." + area + "." + dataClass.getSimpleName();
    }

    public static Optional<Class<?>> dataClassOf(String type) {
        return Optional.ofNullable(BY_TYPE.get(type));
    }
}
