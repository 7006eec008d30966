-- wrk report in one line: throughput, latency percentiles, failures (wrk's own output has no p95).
-- With WRK_SLOW_MS set, also the share of requests slower than that many ms (to 0.1 %).
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local failures = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("requests_per_sec=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f failures=%d non_2xx_3xx=%d",
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, failures, summary.errors.status))
  local slow_ms = tonumber(os.getenv("WRK_SLOW_MS") or "")
  if slow_ms then
    local within = 100
    for tenths = 0, 1000 do
      if latency:percentile(tenths / 10) / 1000 > slow_ms then
        within = tenths / 10
        break
      end
    end
    io.write(string.format(" slower_than_%.1fms=%.1f%%", slow_ms, 100 - within))
  end
  io.write("\n")
end
