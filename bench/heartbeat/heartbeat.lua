-- wrk script for bench:heartbeat. Sends contract A's heartbeat example to
-- WAG_WORKERS workers in turn (PUT <WAG_PREFIX>bench-NNNN/heartbeat) and, if
-- WAG_DELAY_MS is set, waits that long on each connection between requests
-- to hold a fixed rate. Prints one JSON line of results at the end.
local token = os.getenv("WAG_TOKEN")
local workers = tonumber(os.getenv("WAG_WORKERS"))
local prefix = os.getenv("WAG_PREFIX")
local delay_ms = tonumber(os.getenv("WAG_DELAY_MS") or "0")

local body = '{"status":"ONLINE","cpuUsage":45.5,"memoryUsage":67.8,"uptime":3600,"messageCount":1250,' ..
  '"sessions":{"total":25,"connected":20,"disconnected":2,"qr_required":2,"reconnecting":1,"error":0},' ..
  '"timestamp":"2024-01-15T10:30:00.000Z"}'
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
local n = 0

function request()
  n = n + 1
  return wrk.format("PUT", string.format("%sbench-%04d/heartbeat", prefix, n % workers), headers, body)
end

if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"durationUs":%d,"non2xx":%d,"socketErrors":%d,"p50Us":%d,"p99Us":%d,"meanUs":%.1f}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
