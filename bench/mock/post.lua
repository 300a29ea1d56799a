-- wrk script: POST the documented example with a fresh UUID idempotencyKey
-- per request. BODY_FILE and TOKEN come from the environment.
local body_file = os.getenv("BODY_FILE")
local token = os.getenv("TOKEN") or ""
local f = assert(io.open(body_file, "rb"))
local body = f:read("*a")
f:close()

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919 + math.floor(os.clock() * 1e6))
end

local hex = "0123456789abcdef"
local function h(n)
  local t = {}
  for i = 1, n do
    local r = math.random(1, 16)
    t[i] = hex:sub(r, r)
  end
  return table.concat(t)
end

local function uuid4()
  local v = ({ "8", "9", "a", "b" })[math.random(1, 4)]
  return h(8) .. "-" .. h(4) .. "-4" .. h(3) .. "-" .. v .. h(3) .. "-" .. h(12)
end

function request()
  return wrk.format("POST", nil, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
    ["idempotencyKey"] = uuid4(),
  }, body)
end
