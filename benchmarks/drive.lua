-- wrk script: POST /balance or /redeem with one Checkout session per request.
--
-- wrk ... -s drive.lua URL -- SESSIONS_FILE OPERATION THREADS MODE
--   SESSIONS_FILE  one "sessionId cardCode" per line
--   OPERATION      balance | redeem
--   THREADS        wrk's -t, so that each thread takes its own share of the lines
--   MODE           cycle (reuse the lines: the session is already known) |
--                  once  (each line once: a new session, and for redeem a fresh cart)
-- At the end one line "BENCH_RESULT {json}" gives the figures run.py reads.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local path, count = args[1], tonumber(args[3])
  operation, mode = args[2], args[4]
  lines = {}
  local index = 0
  for line in io.lines(path) do
    if index % count == id then
      table.insert(lines, line)
    end
    index = index + 1
  end
  position = 0
  reused = 0      -- "once" lines used a second time: not a first redeem any more
  unexpected = 0  -- 200 answers that are not a Valid balance / a Success redeem
  expected = operation == "redeem" and '"Success"' or '"Valid"'
  amount = '"redeemAmount":{"centAmount":1000,"currencyCode":"EUR"}'
end

function request()
  position = position + 1
  if position > #lines then
    position = 1
    if mode == "once" then
      reused = reused + 1
    end
  end
  local session, code = lines[position]:match("^(%S+) (%S+)$")
  local headers = {["Content-Type"] = "application/json", ["X-Session-Id"] = session}
  local body
  if operation == "redeem" then
    headers["Idempotency-Key"] = session
    body = '{"code":"' .. code .. '",' .. amount .. '}'
  else
    body = '{"code":"' .. code .. '"}'
  end
  return wrk.format("POST", "/" .. operation, headers, body)
end

function response(status, headers, body)
  if status == 200 and not body:find(expected, 1, true) then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local reused_total, unexpected_total = 0, 0
  for _, thread in ipairs(threads) do
    reused_total = reused_total + thread:get("reused")
    unexpected_total = unexpected_total + thread:get("unexpected")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,'
      .. '"max_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d,'
      .. '"unexpected":%d,"reused":%d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.mean, latency.max, e.connect, e.read, e.write, e.timeout, e.status,
    unexpected_total, reused_total))
end
