import type { SessionMix } from '../src/scenario/types.js';

/**
 * A wrk Lua script doing the engine's session workload: login (keeps the `sid` from Set-Cookie),
 * `adds` cart adds with a payload mixed with reads (`readRatio`), checkout, logout, then a new
 * login; a 401 starts over. Same bodies and headers as src/load/engine.ts.
 *
 * wrk's request()/response() callbacks carry no connection identity, and its Lua state is per
 * thread, so the script needs one connection per thread to keep one session per connection:
 * run it with threads = connections. setup() pins thread i to replica i mod n, which is what the
 * engine's sticky router ends up doing (sessions spread round robin at login, then pinned).
 * The script does not parse bodies or check carts: that is the engine's extra work.
 */
export function sessionWorkloadLua(ports: readonly number[], mix: SessionMix): string {
  return `
local ports = { ${ports.join(', ')} }
local counter = 0
function setup(thread)
  counter = counter + 1
  thread.addr = wrk.lookup("127.0.0.1", tostring(ports[(counter - 1) % #ports + 1]))[1]
  thread:set("id", counter)
end

local ADDS = ${mix.adds}
local READ_RATIO = ${mix.readRatio}
local PAYLOAD = string.rep("x", ${mix.payloadBytes})
local phase, token, added, seq, gen, pending = "login", nil, 0, 0, 0, nil
local host

function init(args)
  math.randomseed(id * 7919 + os.time())
  host = wrk.headers["Host"]
end

local function cookie(extra)
  local h = { Host = host, Cookie = "sid=" .. token }
  if extra then h["Content-Type"] = "application/json" end
  return h
end

function request()
  if phase == "login" then
    pending = "login"
    return wrk.format("POST", "/login", { Host = host })
  elseif phase == "logout" then
    pending = "logout"
    return wrk.format("POST", "/logout", cookie(false))
  elseif added >= ADDS then
    pending = "checkout"
    return wrk.format("POST", "/checkout", cookie(false))
  elseif math.random() < READ_RATIO then
    pending = "read"
    return wrk.format("GET", "/cart", cookie(false))
  end
  added = added + 1
  seq = seq + 1
  pending = "add"
  local body = '{"qty":1,"payload":"' .. PAYLOAD .. '","sku":"w' .. id .. '-' .. gen .. '-' .. seq .. '"}'
  return wrk.format("POST", "/cart/items", cookie(true), body)
end

function response(status, headers, body)
  if pending == "login" then
    local sc = headers["set-cookie"] or headers["Set-Cookie"]
    local sid = sc and sc:match("^sid=([^;]+)")
    if status == 200 and sid then
      token, phase, added, gen = sid, "cart", 0, gen + 1
    end
  elseif status == 401 or pending == "logout" then
    token, phase = nil, "login"
  elseif pending == "checkout" then
    phase = "logout"
  end
end
`;
}
