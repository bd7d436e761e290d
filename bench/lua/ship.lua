-- The shipping race (issue 21): POST the (path, body) pairs of `posts` with the headers
-- `headers`; each thread takes its own share in turn (thread k: k, k + threads, …), so no two
-- threads ship the same order; statuses are counted per thread and summed at the end.
local counter = 0
c2xx, c409, cother = 0, 0, 0
local all_threads = {}
local started = 0

function setup(thread)
  thread:set("id", started)
  started = started + 1
  table.insert(all_threads, thread)
end

function request()
  local k = (counter * n_threads + (id or 0)) % #posts + 1
  counter = counter + 1
  local post = posts[k]
  return wrk.format("POST", post[1], headers, post[2])
end

function response(status, hdrs, body)
  if status >= 200 and status < 300 then
    c2xx = c2xx + 1
  elseif status == 409 then
    c409 = c409 + 1
  else
    cother = cother + 1
  end
end

function done(summary, latency, requests)
  local s2, s409, so = 0, 0, 0
  for _, t in ipairs(all_threads) do
    s2 = s2 + t:get("c2xx")
    s409 = s409 + t:get("c409")
    so = so + t:get("cother")
  end
  local e = summary.errors
  local f = io.open(out_path, "w")
  f:write(string.format(
    '{"requests": %d, "duration_us": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"statuses": {"2xx": %d, "409": %d, "other": %d}, ' ..
    '"latency_us": {"p50": %.1f, "p90": %.1f, "p99": %.1f, "max": %.1f, "mean": %.1f}}',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    s2, s409, so,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
  f:close()
end
