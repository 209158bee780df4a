package dev.holon.auth.enrolment;

import dev.holon.contracts.Page;
import dev.holon.support.problem.ProblemException;
import dev.holon.support.web.Cursors;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code /api/v1/tokens/enrolments}: operators and admins make, list and revoke node enrolment tokens and remove
 * enrolled nodes; {@code POST .../redeem} takes no Keycloak token (the enrolment token in the body is the credential).
 */
@RestController
@RequestMapping("/api/v1/tokens/enrolments")
public class EnrolmentController {

    private final EnrolmentService enrolments;

    public EnrolmentController(EnrolmentService enrolments) {
        this.enrolments = enrolments;
    }

    /**
     * The body of {@code POST /api/v1/tokens/enrolments}.
     *
     * @param uses      how many nodes may enrol with it (default 1)
     * @param expiresIn ISO-8601 duration (default 24 hours, at most 30 days); or {@code expiresAt}
     */
    public record CreateRequest(Integer uses, Duration expiresIn, Instant expiresAt,
                                @Size(max = 500) String description) {
    }

    /** The body of {@code POST /api/v1/tokens/enrolments/redeem}. */
    public record RedeemRequest(@NotBlank String token, @NotBlank String nodeName) {
    }

    @PostMapping
    @PreAuthorize("hasAnyRole('operator', 'admin')")
    public ResponseEntity<EnrolmentView> create(@Valid @RequestBody(required = false) CreateRequest request,
            Authentication who) {
        CreateRequest r = request == null ? new CreateRequest(null, null, null, null) : request;
        EnrolmentView created = enrolments.create(r.uses(), r.expiresIn(), r.expiresAt(), r.description(), who);
        return ResponseEntity.created(URI.create("/api/v1/tokens/enrolments/" + created.id())).body(created);
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('operator', 'admin')")
    public Page<EnrolmentView> list(@RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor) {
        checkLimit(limit);
        Page<EnrolmentView> page = enrolments.list(Cursors.decode(cursor), limit);
        return new Page<>(page.items(), Cursors.encode(page.nextCursor()));
    }

    @GetMapping("/{id}")
    @PreAuthorize("hasAnyRole('operator', 'admin')")
    public EnrolmentView get(@PathVariable String id) {
        return enrolments.get(id);
    }

    @DeleteMapping("/{id}")
    @PreAuthorize("hasAnyRole('operator', 'admin')")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void revoke(@PathVariable String id, Authentication who) {
        enrolments.revoke(id, who);
    }

    /** 201 with the node's client credentials, shown once. */
    @PostMapping("/redeem")
    @ResponseStatus(HttpStatus.CREATED)
    public EnrolmentService.Redeemed redeem(@Valid @RequestBody RedeemRequest request) {
        return enrolments.redeem(request.token(), request.nodeName());
    }

    @GetMapping("/nodes")
    @PreAuthorize("hasAnyRole('operator', 'admin')")
    public Page<EnrolmentService.NodeView> nodes(@RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor) {
        checkLimit(limit);
        Page<EnrolmentService.NodeView> page = enrolments.nodes(Cursors.decode(cursor), limit);
        return new Page<>(page.items(), Cursors.encode(page.nextCursor()));
    }

    @DeleteMapping("/nodes/{nodeName}")
    @PreAuthorize("hasAnyRole('operator', 'admin')")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void unenrol(@PathVariable String nodeName, Authentication who) {
        enrolments.unenrol(nodeName, who);
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > 500) {
            throw ProblemException.invalid("limit must be between 1 and 500, got " + limit);
        }
    }
}
