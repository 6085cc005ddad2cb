# shellcheck shell=bash
# Installs missing Debian packages, quietly and idempotently. Source this file, then call
# ensure_packages FILE, where FILE lists one package per line ('#' comments allowed).

ensure_packages() {
  local list=$1 pkg missing=()
  while read -r pkg; do
    pkg=${pkg%%#*}; pkg=${pkg//[[:space:]]/}
    [ -n "$pkg" ] || continue
    if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]; then
      missing+=("$pkg")
    fi
  done <"$list"
  [ ${#missing[@]} -gt 0 ] || return 0

  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "airlock: the tests need these Debian packages: ${missing[*]}" >&2
      echo "  Install them as root: apt-get install ${missing[*]}" >&2
      return 1
    fi
  fi
  echo "airlock: installing test packages: ${missing[*]}" >&2
  if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
         "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/tmp/airlock-apt.log 2>&1; then
    cat /tmp/airlock-apt.log >&2
    echo "airlock: could not install ${missing[*]} (apt-get output above)." >&2
    return 1
  fi
}
