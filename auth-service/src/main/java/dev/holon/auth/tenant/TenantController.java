package dev.holon.auth.tenant;

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
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import org.springframework.web.util.UriUtils;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * {@code /api/v1/tenants}: admins create and delete tenants; admins, services and a tenant's members read it; admins
 * and the tenant's own admins change its members. A tenant the caller does not belong to is a 404.
 */
@RestController
@RequestMapping("/api/v1/tenants")
public class TenantController {

    private final TenantService tenants;

    public TenantController(TenantService tenants) {
        this.tenants = tenants;
    }

    /** The body of {@code POST /api/v1/tenants}. */
    public record TenantRequest(@NotBlank String name, @Size(max = 500) String description) {
    }

    /** The body of {@code PUT .../members/{username}}: {@code admin} or {@code member} (the default). */
    public record MemberRequest(String role) {
    }

    @PostMapping
    @PreAuthorize("hasRole('admin')")
    public ResponseEntity<TenantView> create(@Valid @RequestBody TenantRequest request, Authentication who) {
        TenantView created = tenants.create(request.name(), request.description(), who);
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + created.name())).body(created);
    }

    /** Admins and services: every tenant; anyone else: the tenants they belong to. By name. */
    @GetMapping
    public Page<TenantView> list(@RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor, Authentication who) {
        checkLimit(limit);
        Page<TenantView> page = tenants.list(who, Cursors.decode(cursor), limit);
        return new Page<>(page.items(), Cursors.encode(page.nextCursor()));
    }

    @GetMapping("/{name}")
    public TenantView get(@PathVariable String name, Authentication who) {
        return tenants.get(name, who);
    }

    /** Deletes the tenant, its members and quota, and revokes its personal access tokens. Not {@code default}. */
    @DeleteMapping("/{name}")
    @PreAuthorize("hasRole('admin')")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void delete(@PathVariable String name, Authentication who) {
        tenants.delete(name, who);
    }

    @GetMapping("/{name}/members")
    public Page<MemberView> members(@PathVariable String name, @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor, Authentication who) {
        checkLimit(limit);
        Page<MemberView> page = tenants.members(name, who, Cursors.decode(cursor), limit);
        return new Page<>(page.items(), Cursors.encode(page.nextCursor()));
    }

    @GetMapping("/{name}/members/{username}")
    public MemberView member(@PathVariable String name, @PathVariable String username, Authentication who) {
        return tenants.member(name, username.toLowerCase(java.util.Locale.ROOT), who);
    }

    /** 201 when the user joined, 200 when their role changed (or stayed). */
    @PutMapping("/{name}/members/{username}")
    public ResponseEntity<MemberView> putMember(@PathVariable String name, @PathVariable String username,
            @RequestBody(required = false) MemberRequest request, Authentication who) {
        if (username.isBlank() || username.length() > 255) {
            throw ProblemException.invalid("username must be 1-255 characters");
        }
        TenantService.MemberChange change = tenants.putMember(name, username, request == null ? null : request.role(), who);
        URI location = URI.create("/api/v1/tenants/" + name + "/members/"
                + UriUtils.encodePathSegment(change.member().username(), StandardCharsets.UTF_8));
        return change.created() ? ResponseEntity.created(location).body(change.member())
                : ResponseEntity.ok().location(location).body(change.member());
    }

    @DeleteMapping("/{name}/members/{username}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void removeMember(@PathVariable String name, @PathVariable String username, Authentication who) {
        tenants.removeMember(name, username.toLowerCase(java.util.Locale.ROOT), who);
    }

    static void checkLimit(int limit) {
        if (limit < 1 || limit > 500) {
            throw ProblemException.invalid("limit must be between 1 and 500, got " + limit);
        }
    }
}
