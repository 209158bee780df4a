package dev.holon.scheduler.assignment;

import dev.holon.contracts.task.NodeAssignments;
import dev.holon.support.problem.ProblemException;
import dev.holon.support.security.NodeClients;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/assignments?nodeId=...}: a node's desired state, for workers (and services) only. */
@RestController
@RequestMapping("/api/v1/assignments")
@PreAuthorize("hasAnyRole('node', 'service')")
public class AssignmentController {

    private final Assignments assignments;

    public AssignmentController(Assignments assignments) {
        this.assignments = assignments;
    }

    @GetMapping
    public NodeAssignments forNode(@RequestParam(required = false) String nodeId, Authentication who) {
        if (nodeId == null || nodeId.isBlank()) {
            throw ProblemException.invalid("nodeId is required: the node whose assignments to read");
        }
        NodeClients.requireMayActFor(who, nodeId);
        return assignments.forNode(nodeId);
    }
}
