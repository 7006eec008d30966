# The environment of the load test and the capacity report: mock Keepa and a mock LLM on core 1,
# one account, and the runtime pinned to core 0 with ingestion running against the mock. Sourced
# after common.sh, services.sh and bench.sh.
#
# start_load_environment BOOKS LLM_DELAY_MS: sets APP_URL, RUNTIME_PID and LOADTEST_PASSWORD;
# stop_load_environment undoes it (call it from the EXIT trap).

LOAD_STATE=""
RUNTIME_PID=""

start_load_environment() {
    local books=$1 llm_delay_ms=$2
    local release="$CARGO_TARGET_DIR/release"
    LOAD_STATE=$(mktemp -d)
    start_service keepa_url taskset -c 1 "$release/mock_keepa" --books "$books" --tokens 10000000 --refill-per-min 100000
    start_service llm_url taskset -c 1 "$release/mock_llm" --delay-ms "$llm_delay_ms"

    migrate_state_dir "$LOAD_STATE/app"
    LOADTEST_PASSWORD="load-test-$(date +%s%N)"
    export LOADTEST_PASSWORD
    printf '%s\n' "$LOADTEST_PASSWORD" | "$release/admin" --state-dir "$LOAD_STATE/app" user add loadtest --role user >/dev/null

    local port
    port=$(free_port)
    APP_URL="http://127.0.0.1:$port"
    SPIN_VARIABLE_KEEPA_API_KEY=load-test SPIN_VARIABLE_KEEPA_BASE_URL="$keepa_url" \
    SPIN_VARIABLE_KEEPA_MIN_CALL_INTERVAL_MS=0 SPIN_VARIABLE_INGEST_DATA_SOURCE=demo \
    SPIN_VARIABLE_LLM_BASE_URL="$llm_url" SPIN_VARIABLE_LLM_API_KEY=load-test \
    SPIN_VARIABLE_LLM_DAILY_BUDGET=10000000 SPIN_VARIABLE_LLM_USER_DAILY_CAP=10000000 \
        start_pinned_runtime "$ROOT/spin.toml" "$LOAD_STATE/app" "$port" --cron-at-start --max-concurrency auth=2

    # Let the first ingestion run put deals on the board; it keeps running during the test.
    local total=0
    for _ in $(seq 120); do
        total=$(curl -fsS "$APP_URL/api/health" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("ingestion", {}).get("deals_total", 0))' 2>/dev/null || echo 0)
        [ "${total:-0}" -ge 50 ] && break
        sleep 1
    done
    echo "load environment: $APP_URL, $total deals visible, mock LLM delay ${llm_delay_ms} ms" >&2
}

stop_load_environment() {
    stop_process "$RUNTIME_PID"
    stop_services
    if [ -n "$LOAD_STATE" ]; then rm -rf "$LOAD_STATE"; fi
}

# peak_rss_mb PID
peak_rss_mb() {
    echo $(( $(awk '/^VmHWM/ {print $2}' "/proc/$1/status") / 1024 ))
}
