package dev.holon.worker.execution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One system user per tenant, {@code holon-t-<12 hex of SHA-256(tenant)>}, created on first use with
 * {@code useradd --system --no-create-home} and reused afterwards (also by other workers on the machine). The name
 * never contains tenant text, so no input reaches {@code useradd} unhashed. Thread-safe; creation is serialised.
 */
final class TenantUsers {

    static final String PREFIX = "holon-t-";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    /** useradd's exit codes: the name is taken (another worker won the race); passwd/group file locked. */
    private static final int USERADD_NAME_IN_USE = 9;
    private static final int USERADD_LOCKED = 10;

    record UnixUser(String name, int uid, int gid) {
    }

    private final Path useradd;
    private final Path getent;
    private final ConcurrentHashMap<String, UnixUser> byTenant = new ConcurrentHashMap<>();
    private final Object creation = new Object();

    TenantUsers(Path useradd, Path getent) {
        this.useradd = useradd;
        this.getent = getent;
    }

    static String userName(String tenant) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(tenant.getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    UnixUser forTenant(String tenant) throws IOException {
        UnixUser known = byTenant.get(tenant);
        if (known != null) {
            return known;
        }
        synchronized (creation) {
            known = byTenant.get(tenant);
            if (known != null) {
                return known;
            }
            String name = userName(tenant);
            UnixUser user = lookup(name);
            if (user == null) {
                create(name);
                user = lookup(name);
            }
            if (user == null) {
                throw new IOException("user " + name + " for tenant " + tenant + " could not be created");
            }
            if (user.uid() == 0 || user.gid() == 0) {
                throw new IOException("refusing to run tasks as " + name + ": it has uid or gid 0");
            }
            byTenant.put(tenant, user);
            return user;
        }
    }

    private UnixUser lookup(String name) throws IOException {
        OneShotCommand result = OneShotCommand.run(List.of(getent.toString(), "passwd", name), COMMAND_TIMEOUT);
        if (result.exitCode() == 2) {
            return null;
        }
        if (!result.ok()) {
            throw new IOException("getent passwd " + name + " failed: " + result.output());
        }
        String[] fields = result.output().split(":");
        if (fields.length < 4 || !fields[0].equals(name)) {
            throw new IOException("unexpected passwd entry for " + name + ": " + result.output());
        }
        return new UnixUser(name, Integer.parseInt(fields[2]), Integer.parseInt(fields[3]));
    }

    private void create(String name) throws IOException {
        for (int attempt = 1; ; attempt++) {
            OneShotCommand result = OneShotCommand.run(List.of(useradd.toString(), "--system", "--no-create-home",
                    "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", "--user-group",
                    "--comment", "Holon tenant sandbox", name), COMMAND_TIMEOUT);
            if (result.ok() || result.exitCode() == USERADD_NAME_IN_USE) {
                return;
            }
            if (result.exitCode() != USERADD_LOCKED || attempt == 5) {
                throw new IOException("useradd " + name + " failed (exit " + result.exitCode() + "): "
                        + result.output());
            }
            try {
                Thread.sleep(100L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while creating user " + name, e);
            }
        }
    }
}
