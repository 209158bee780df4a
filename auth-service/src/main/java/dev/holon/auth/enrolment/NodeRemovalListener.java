package dev.holon.auth.enrolment;

import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.node.NodeEvent;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * When an operator removes a node from the cluster ({@code NodeRemoved} from the registry), its Keycloak client goes
 * too: the machine can get no new token for any service. Nodes enrol under their node id, so the id names the client.
 * Idempotent: a redelivered removal, or one of a node on the shared client, changes nothing.
 */
@Component
public class NodeRemovalListener {

    private final EnrolmentService enrolments;

    public NodeRemovalListener(EnrolmentService enrolments) {
        this.enrolments = enrolments;
    }

    @KafkaListener(topics = Topics.NODE_EVENTS, groupId = "${spring.application.name}",
            properties = "auto.offset.reset=earliest")
    public void onNodeEvent(EventEnvelope<Object> envelope) {
        if (envelope.data() instanceof NodeEvent.NodeRemoved removed) {
            enrolments.unenrol(removed.nodeId(), removed.by(), " (the node was removed from the cluster)");
        }
    }
}
