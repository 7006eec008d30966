-- wrk report in one line: throughput, latency percentiles, failures (wrk's own output has no p95).
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local failures = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("requests_per_sec=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f failures=%d non_2xx_3xx=%d\n",
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, failures, summary.errors.status))
end
