# Shared by the scripts: repository root, idempotent installs, build helpers.
# Sourced, not executed.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

# The state directory named among the arguments (`--state-dir DIR` or `--state-dir=DIR`), as the
# runtime and the admin CLI read them; .spin when none is.
state_dir_in() {
    local dir=".spin"
    while [ $# -gt 0 ]; do
        case "$1" in
            --state-dir) dir="${2:-$dir}"; shift; [ $# -gt 0 ] && shift ;;
            --state-dir=*) dir="${1#--state-dir=}"; shift ;;
            *) shift ;;
        esac
    done
    echo "$dir"
}

# Creates the state directory $1 and applies migrations/ to its database, as `runtime up` would
# (a no-op when up to date); needs the runtime built.
migrate_state_dir() {
    mkdir -p "$1"
    "$CARGO_TARGET_DIR/release/runtime" migrate -f "$ROOT/spin.toml" --state-dir "$1" >/dev/null
}

# stop_process PID: SIGTERM to a background process (if any), then wait for it. Never fails, so an
# EXIT trap under `set -e` keeps the script's own status instead of the stopped process's 143.
stop_process() {
    [ -n "${1:-}" ] || return 0
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# Installs what a fresh machine of this kind lacks; does nothing (and needs no network) otherwise.
ensure_toolchain() {
    if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-wasip2; then
        echo "setup: adding the wasm32-wasip2 target" >&2
        rustup target add wasm32-wasip2
    fi
}

# Installs Debian packages that are missing (names given as arguments).
ensure_apt_packages() {
    local missing=()
    for package in "$@"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "setup: installing ${missing[*]}" >&2
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# Installs the locked npm packages of the node project in $1 (npm ci) unless they already are.
ensure_npm_packages() {
    local dir="$ROOT/$1"
    if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.installed-lock.json"; then
        echo "setup: npm ci in $1" >&2
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
        cp "$dir/package-lock.json" "$dir/node_modules/.installed-lock.json"
    fi
}

# The cargo packages of every directory under $1 (one crate per directory, named as it).
packages_under() {
    local args=()
    for dir in "$ROOT/$1"/*/; do
        [ -f "$dir/Cargo.toml" ] && args+=("-p" "$(basename "$dir")")
    done
    echo "${args[@]}"
}

# Every crate that is built and tested natively, as cargo arguments. scripts/build and scripts/test
# select exactly this set, so cargo resolves the same features for shared dependencies in both and
# never builds wasmtime (or anything else) twice. The load-test program stays out: its HTTP client
# would change those features; scripts/test tests it on its own.
native_packages() {
    echo "-p runtime -p integration-tests $(packages_under crates) $(packages_under components)"
}

