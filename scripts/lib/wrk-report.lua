-- wrk report: throughput, latency percentiles (ms) and error count, one "key value" per line.
done = function(summary, latency, requests)
  io.write(string.format("requests_per_sec %.0f\n", summary.requests / (summary.duration / 1e6)))
  for _, p in ipairs({50, 95, 99}) do
    io.write(string.format("p%d_ms %.2f\n", p, latency:percentile(p) / 1000))
  end
  local e = summary.errors
  io.write(string.format("errors %d\n", e.connect + e.read + e.write + e.status + e.timeout))
end
