-- wrk request generator for bench/web/bench_web.py.
--
-- With KONTOR_BENCH_PRODUCTS=N in the environment, requests ask for random
-- products DEMO-000001 ... DEMO-<N> (the codes `kontor demo` gives) under
-- the URL's path, e.g. http://127.0.0.1:PORT/api/v1/products/ ; headers
-- given with -H (the bearer token) go with every request. Each wrk thread
-- formats a pool of POOL requests for random codes once, in init(), and
-- sends a random one of them each time: formatting a request per call would
-- cost the client, which shares the 2 cores with the server, more than
-- /healthz costs it, and so bias the ratio against the endpoint measured.
--
-- There is deliberately no response() hook: with one, wrk hands every
-- response's headers and body to Lua, which halves the rate the client can
-- drive on a 2-core machine and would lower the /healthz ceiling the other
-- endpoints are compared with. Statuses are checked from wrk's "Non-2xx or
-- 3xx" line and from the server's access log instead.

local products = tonumber(os.getenv("KONTOR_BENCH_PRODUCTS") or "")
if not products or products < 1 then
   error("KONTOR_BENCH_PRODUCTS must be the number of demo products")
end

local POOL = 20000
local counter = 0
local pool = {}

function setup(thread)
   counter = counter + 1
   thread:set("thread_no", counter)
end

function init(args)
   math.randomseed(1000 + thread_no)
   local prefix = wrk.path
   for i = 1, POOL do
      pool[i] = wrk.format(nil, prefix .. string.format("DEMO-%06d", math.random(1, products)))
   end
end

function request()
   return pool[math.random(1, POOL)]
end
