-- wrk: each request POSTs the landing page's "Send" (auto=0, a desktop browser's user agent) to the next answer link
-- of $PATHS_FILE (one /p/<token> path a line), so consecutive requests answer different pulses; each thread starts at
-- its own share of the links. done() prints one JSON line (marked "answers-json") for bench/pulse/answers.sh.
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do paths[#paths + 1] = line end

local threads, counter = {}, 0
function setup(thread)
  thread:set("id", counter)
  threads[#threads + 1] = thread
  counter = counter + 1
end

local headers = {
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
}
local i
function init(args)
  i = (id or 0) * 1009 % #paths
end

function request()
  i = i % #paths + 1
  return wrk.format("POST", paths[i], headers, "auto=0&wd=0")
end

-- Answered pages are 200; anything else (a 4xx/5xx, a socket error) is counted apart by wrk.
function done(summary, latency, requests)
  local s = summary.duration / 1e6
  local e = summary.errors
  local failed = e.status + e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    'answers-json {"answers_per_s": %d, "requests": %d, "failed": %d, "seconds": %.1f, ' ..
    '"p50_ms": %.1f, "p90_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f}\n',
    math.floor((summary.requests - failed) / s + 0.5), summary.requests, failed, s,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3))
end
