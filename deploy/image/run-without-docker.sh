#!/usr/bin/env bash
# Runs a Jib image tarball (jib:buildTar) WITHOUT a container engine, to check that an image starts where no Docker
# engine exists: unpacks its layers into a folder, then starts its entrypoint with its environment and user in
# new mount and PID namespaces under chroot. The host's network is used (no network namespace), so the
# service's port must be free: override it with SERVER_PORT=... and HOLON_HEALTH_PORT=... arguments.
# Root only. Not a container runtime: no cgroup limits, no seccomp, no capabilities dropped.
#   deploy/image/run-without-docker.sh config-service/target/jib-image.tar SERVER_PORT=38888 HOLON_HEALTH_PORT=38888
# Prints the rootfs folder; `chroot <rootfs> /usr/bin/env -i HOLON_HEALTH_PORT=<port> /opt/holon/bin/healthcheck`
# then probes it like compose does. Stop it with SIGTERM to its java process (the service is PID 1 of its namespace;
# killing this script alone does not stop a service that runs as another user).
set -euo pipefail
tarball="$(realpath "$1")"; shift
work="${HOLON_RUN_DIR:-$(mktemp -d /tmp/holon-image.XXXXXX)}"
mkdir -p "$work/oci" "$work/rootfs"
tar -xf "$tarball" -C "$work/oci"
python3 - "$work" "$@" <<'PY'
import json, os, subprocess, sys
work, overrides = sys.argv[1], sys.argv[2:]
oci = os.path.join(work, "oci")
manifest = json.load(open(os.path.join(oci, "manifest.json")))[0]
for layer in manifest["Layers"]:
    subprocess.run(["tar", "-xf", os.path.join(oci, layer), "-C", os.path.join(work, "rootfs")], check=True)
config = json.load(open(os.path.join(oci, manifest["Config"])))["config"]
env = dict(e.split("=", 1) for e in config.get("Env", []))
env.update(dict(o.split("=", 1) for o in overrides))
with open(os.path.join(work, "env"), "w") as f:
    f.write("\n".join(f"{k}={v}" for k, v in env.items()) + "\n")
with open(os.path.join(work, "entrypoint"), "w") as f:
    f.write(" ".join(config["Entrypoint"] + config.get("Cmd", []) or []))
with open(os.path.join(work, "user"), "w") as f:
    f.write(config.get("User", "0:0"))
PY
root="$work/rootfs"
mapfile -t envs < "$work/env"
user="$(cat "$work/user")"
echo "rootfs: $root (user $user, entrypoint $(cat "$work/entrypoint"))"
exec unshare --mount --pid --fork --kill-child bash -c '
  root="$1"; user="$2"; shift 2
  mkdir -p "$root/proc" "$root/dev" "$root/tmp"
  # The root of the image a mount point of its own, as in a container (Java finds its file store, so the
  # worker can measure its disk); then /proc and /dev.
  mount --bind "$root" "$root"
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  chmod 1777 "$root/tmp"
  exec chroot --userspec="$user" "$root" /usr/bin/env -i "$@"
' _ "$root" "$user" "${envs[@]}" $(cat "$work/entrypoint")
