# Helpers for benchmark scripts: a pinned runtime on a free port and wrk against it. Sourced.

# Picks a free TCP port on 127.0.0.1.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_pinned_runtime MANIFEST STATE_DIR PORT [extra args]: runtime on core 0; sets RUNTIME_PID.
start_pinned_runtime() {
    local manifest=$1 state=$2 port=$3
    shift 3
    taskset -c 0 "$CARGO_TARGET_DIR/release/runtime" up -f "$manifest" --state-dir "$state" \
        --listen "127.0.0.1:$port" "$@" >"$state.log" 2>&1 &
    RUNTIME_PID=$!
    wait_for_url "http://127.0.0.1:$port/api/health/live" 60
}

# wait_for_url URL SECONDS: polls until the URL answers 200.
wait_for_url() {
    local url=$1 limit=$2 start=$SECONDS
    until curl -fsS -o /dev/null "$url" 2>/dev/null; do
        if [ $((SECONDS - start)) -ge "$limit" ]; then
            echo "timed out waiting for $url" >&2
            return 1
        fi
        sleep 0.05
    done
}

# wrk_pinned URL [wrk args]: 20 connections, 10 s unless the args give another -d, on core 1;
# prints wrk-report.lua's one line (throughput, p50/p95/p99, failures).
wrk_pinned() {
    local url=$1
    shift
    taskset -c 1 wrk -t1 -c20 -d10s -s "$ROOT/scripts/lib/wrk-report.lua" "$@" "$url" | tail -n1
}

# rss_kb PID: resident set size in KiB.
rss_kb() {
    awk '/^VmRSS/ {print $2}' "/proc/$1/status"
}

# login_cookie BASE_URL USER PASSWORD [SETTINGS_JSON]: prints the session cookie (`name=value`)
# of a JSON login; with SETTINGS_JSON, first saves those settings for the user.
login_cookie() {
    local answer cookie csrf
    answer="$(curl -sS -D - -H 'content-type: application/json' \
        -d "{\"username\":\"$2\",\"password\":\"$3\"}" "$1/login")"
    cookie="$(grep -i '^set-cookie:' <<<"$answer" | sed -E 's/^[Ss]et-[Cc]ookie: ([^;]*);.*/\1/')"
    if [ -n "${4:-}" ]; then
        csrf="$(sed -nE 's/.*"csrf_token":"([^"]*)".*/\1/p' <<<"$answer")"
        curl -sSf -o /dev/null -H "cookie: $cookie" -H "x-csrf-token: $csrf" \
            -H 'content-type: application/json' -d "$4" "$1/api/settings"
    fi
    echo "$cookie"
}
