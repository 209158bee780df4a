#!/usr/bin/env bash
# Builds a base image for the Holon images WITHOUT any container registry or Docker engine, as a `docker save`
# tarball that Jib reads with -Dholon.image.base=tar://<file>:
#   Debian 12 (debootstrap --variant=minbase from the Debian mirror apt uses) + bash, util-linux (flock, unshare,
#   setpriv, prlimit: the worker's sandbox), ca-certificates, passwd (useradd: the worker's tenant users)
#   + a Java runtime made by jlink from the JDK 21+ on this machine, at /opt/java/openjdk (as eclipse-temurin).
# Needs root and debootstrap (apt-get install debootstrap). Takes a few minutes; the result is cached.
#
#   deploy/image/build-offline-base.sh            # -> target/holon-base/holon-base.tar
#   ./mvnw -B -DskipTests package jib:buildTar -Dholon.image.base=tar://$PWD/target/holon-base/holon-base.tar
#
# With registry access use the default base (eclipse-temurin:25-jre) instead; this one exists so images can be
# built and inspected where no registry can be reached.
set -euo pipefail
root_dir="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$root_dir/target/holon-base}"
suite="${HOLON_BASE_SUITE:-bookworm}"
mirror="${HOLON_BASE_MIRROR:-$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}"
mirror="${mirror:-http://deb.debian.org/debian}"
java_home="${JAVA_HOME:-$(ls -d /usr/lib/jvm/temurin-2[5-9]* /usr/lib/jvm/*-2[1-9]* 2>/dev/null | sort -V | tail -1)}"
tarball="$out/holon-base.tar"

if [[ -s "$tarball" ]]; then echo "$tarball (cached; delete it to rebuild)"; exit 0; fi
command -v debootstrap >/dev/null || { echo "needs debootstrap: apt-get install debootstrap" >&2; exit 1; }
[[ -x "$java_home/bin/jlink" ]] || { echo "needs a JDK 21+ with jlink (JAVA_HOME)" >&2; exit 1; }

rootfs="$out/rootfs"
rm -rf "$rootfs"; mkdir -p "$rootfs"
echo "debootstrap $suite from $mirror ..."
debootstrap --variant=minbase --include=bash,util-linux,ca-certificates,passwd,procps "$suite" "$rootfs" "$mirror" \
  > "$out/debootstrap.log" 2>&1 || { tail -20 "$out/debootstrap.log"; exit 1; }
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc "$rootfs"/usr/share/man

echo "jlink from $java_home ..."
"$java_home/bin/jlink" --add-modules ALL-MODULE-PATH --strip-debug --no-man-pages --no-header-files \
  --output "$rootfs/opt/java/openjdk" 2>/dev/null || \
"$java_home/bin/jlink" --module-path "$java_home/jmods" --add-modules \
  java.se,jdk.unsupported,jdk.crypto.ec,jdk.management,jdk.management.agent,jdk.jfr,jdk.naming.dns,jdk.zipfs,jdk.httpserver,jdk.net \
  --strip-debug --no-man-pages --no-header-files --output "$rootfs/opt/java/openjdk"
ln -sf /opt/java/openjdk/bin/java "$rootfs/usr/local/bin/java"

echo "packing $tarball ..."
python3 - "$rootfs" "$out" "$suite" <<'PY'
import hashlib, json, os, sys, tarfile
rootfs, out, suite = sys.argv[1:]
layer = os.path.join(out, "layer.tar")
with tarfile.open(layer, "w", format=tarfile.PAX_FORMAT) as t:
    for name in sorted(os.listdir(rootfs)):
        t.add(os.path.join(rootfs, name), arcname=name)
digest = hashlib.sha256(open(layer, "rb").read()).hexdigest()
config = {
    "architecture": "amd64", "os": "linux",
    "config": {"Env": ["PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                       "JAVA_HOME=/opt/java/openjdk", "LANG=C.UTF-8"]},
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + digest]},
    "history": [{"created_by": "deploy/image/build-offline-base.sh (debian " + suite + " minbase + jlink)"}],
}
cfg = json.dumps(config).encode()
cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
open(os.path.join(out, cfg_name), "wb").write(cfg)
manifest = [{"Config": cfg_name, "RepoTags": ["holon/base:offline"], "Layers": [digest + "/layer.tar"]}]
with tarfile.open(os.path.join(out, "holon-base.tar"), "w") as t:
    t.add(os.path.join(out, cfg_name), arcname=cfg_name)
    t.add(layer, arcname=digest + "/layer.tar")
    m = os.path.join(out, "manifest.json"); open(m, "w").write(json.dumps(manifest)); t.add(m, arcname="manifest.json")
os.remove(layer)
PY
rm -rf "$rootfs"
ls -l "$tarball"
