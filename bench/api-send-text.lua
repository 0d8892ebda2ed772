-- wrk script for bench:api: POSTs SEND_TEXT with a fresh Idempotency-Key on
-- every request, so each one goes through the idempotency check and enqueues.
-- Env: API_KEY; PACE_MS (optional) makes each connection wait that long
-- between requests, for a fixed, lower load.

local counter = 0
local thread_id = 0
local threads = {}
local pace = tonumber(os.getenv("PACE_MS") or "0")

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.body = '{"to":"6281234567890@s.whatsapp.net","text":"Halo, ini pesan dari API!"}'
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("API_KEY")
end

function request()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = "bench-" .. thread_id .. "-" .. counter
  return wrk.format()
end

if pace > 0 then
  function delay()
    return pace
  end
end
