# shellcheck shell=bash
# Finds a JDK 25 or newer for airlock's scripts. Source this file, then call find_jdk.
#
# Order: $JAVA_HOME if it is 25+, then the newest /usr/lib/jvm/*25* (or any 25+ JDK there).
# AIRLOCK_JVM_DIR overrides /usr/lib/jvm (the tests use it). On success find_jdk prints the
# JDK's home; otherwise it prints what to install on stderr and returns 1.

AIRLOCK_MIN_JAVA=25

# Prints the feature version (e.g. 25) of the JDK at $1, or nothing if it is not a JDK.
jdk_feature_version() {
  local home=$1 v=
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  if [ -r "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n1)
  fi
  v=${v#1.}          # 1.8 -> 8
  v=${v%%[.+-]*}     # 25.0.1 -> 25, 25-ea -> 25
  case $v in ''|*[!0-9]*) return 1 ;; esac
  printf '%s\n' "$v"
}

find_jdk() {
  local v candidate best= best_v=0 dir=${AIRLOCK_JVM_DIR:-/usr/lib/jvm}
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(jdk_feature_version "$JAVA_HOME") || v=0
    if [ "$v" -ge "$AIRLOCK_MIN_JAVA" ]; then
      printf '%s\n' "$JAVA_HOME"
      return 0
    fi
  fi
  # Prefer directories named for 25, then any other JDK of 25 or newer; take the highest.
  for candidate in "$dir"/*25* "$dir"/*; do
    [ -d "$candidate" ] || continue
    v=$(jdk_feature_version "$candidate") || continue
    if [ "$v" -ge "$AIRLOCK_MIN_JAVA" ] && [ "$v" -gt "$best_v" ]; then
      best=$candidate best_v=$v
    fi
  done
  if [ -n "$best" ]; then
    printf '%s\n' "$best"
    return 0
  fi
  {
    echo "airlock: no JDK $AIRLOCK_MIN_JAVA or newer found."
    if [ -n "${JAVA_HOME:-}" ]; then
      echo "  JAVA_HOME=$JAVA_HOME is not a JDK $AIRLOCK_MIN_JAVA+."
    fi
    echo "  Looked in $dir for a JDK $AIRLOCK_MIN_JAVA+ as well."
    echo "  Install one (e.g. Debian/Ubuntu: apt-get install openjdk-25-jdk, or Eclipse Temurin 25)"
    echo "  and set JAVA_HOME to it."
  } >&2
  return 1
}
