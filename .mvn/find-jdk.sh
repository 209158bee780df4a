# Sourced by ./mvnw, ./holon and .ci/run: exports JAVA_HOME pointing at a JDK >= 21.
# Order: JAVA_HOME when new enough, the java on PATH, then the newest JDK under /usr/lib/jvm.
holon_jdk_major() {
  [ -x "$1/bin/javac" ] && [ -f "$1/release" ] || { echo 0; return; }
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")
  echo "${v:-0}"
}
holon_pick_jdk() {
  # No globs here: ./mvnw runs with `set -f`.
  if [ -n "${JAVA_HOME-}" ] && [ "$(holon_jdk_major "$JAVA_HOME")" -ge 21 ]; then return 0; fi
  best="" best_major=0
  path_java=$(command -v java 2>/dev/null || true)
  for candidate in ${path_java:+"$(dirname "$(dirname "$(readlink -f "$path_java")")")"} $(find /usr/lib/jvm -mindepth 1 -maxdepth 1 2>/dev/null); do
    [ -d "$candidate" ] || continue
    m=$(holon_jdk_major "$candidate")
    if [ "$m" -ge 21 ] && [ "$m" -gt "$best_major" ]; then best="$candidate" best_major="$m"; fi
  done
  if [ -z "$best" ]; then
    echo "Holon needs a JDK 21 or newer and found none (JAVA_HOME=${JAVA_HOME-unset}, /usr/lib/jvm)." >&2
    echo "Install one, for example: sudo apt-get install openjdk-21-jdk  (or Temurin 21+), then run this again." >&2
    return 1
  fi
  JAVA_HOME="$best"
  export JAVA_HOME
}
holon_pick_jdk || exit 1
