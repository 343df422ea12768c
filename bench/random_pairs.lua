-- random_pairs.lua - wrk script for bench/http_bench.sh: every request is
-- GET /v1/route between a random origin and destination, so that nearly
-- every request misses the route cache (the miss-heavy load of issue 8,
-- item 9).  The place ids come from the file named by $PLACES (one per
-- line); a fixed seed per thread keeps runs comparable.
local ids = {}
local n = 0
local threads = 0

-- Each wrk thread gets its own seed: with one seed they would ask the
-- same pairs in the same order and hit each other's answers.
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  local f = assert(io.open(os.getenv("PLACES") or "places.txt"))
  for line in f:lines() do
    if #line > 0 then
      n = n + 1
      ids[n] = line
    end
  end
  f:close()
  math.randomseed(12345 + 7919 * (id or 0))
end

function request()
  local a = math.random(n)
  local b = math.random(n - 1)
  if b >= a then b = b + 1 end
  return wrk.format("GET", "/v1/route?from=" .. ids[a] .. "&to=" .. ids[b])
end
