-- wrk cycles through the paths in WRK_PATHS (space-separated) and stops after WRK_LIMIT
-- responses (the memory check counts the requests one worker has served).
local paths = {}
local sent, answered = 0, 0
local limit = tonumber(os.getenv("WRK_LIMIT"))

function init(args)
  for path in os.getenv("WRK_PATHS"):gmatch("%S+") do
    paths[#paths + 1] = path
  end
end

function request()
  sent = sent + 1
  return wrk.format("GET", paths[((sent - 1) % #paths) + 1])
end

function response(status, headers, body)
  answered = answered + 1
  if answered >= limit then
    wrk.thread:stop()
  end
end
