# Background helper processes (mock Keepa, mock LLM, ...) for the scripts. Sourced.
# Each service prints `listening on URL` on stdout once it serves; it is stopped by stop_services,
# which the caller runs from its EXIT trap.

SERVICE_PIDS=()
SERVICE_LOGS=()

# start_service VAR COMMAND...: starts COMMAND in the background, waits until it listens, and
# stores its URL in the variable named VAR.
start_service() {
    local var=$1
    shift
    local log
    log="$(mktemp)"
    "$@" >"$log" 2>&1 &
    SERVICE_PIDS+=("$!")
    SERVICE_LOGS+=("$log")
    local url=""
    for _ in $(seq 300); do
        url="$(sed -n 's/^listening on //p' "$log" | head -n 1)"
        [ -n "$url" ] && break
        sleep 0.1
    done
    if [ -z "$url" ]; then
        echo "$(basename "$1") did not start:" >&2
        cat "$log" >&2
        return 1
    fi
    printf -v "$var" '%s' "$url"
}

# stop_services: SIGTERM to every service started here, then wait for them.
stop_services() {
    local pid
    for pid in "${SERVICE_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${SERVICE_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -f "${SERVICE_LOGS[@]}"
}
