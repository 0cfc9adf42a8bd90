-- wrk sends one prepared POST per line of the file WRK_REQUESTS ("<path> <urlencoded body>"),
-- in order, each once (the benchmark prepares more lines than a run sends), with the session
-- cookie WRK_COOKIE whose CSRF token the bodies carry.
local lines = {}
local sent = 0

function init(args)
  for line in io.lines(os.getenv("WRK_REQUESTS")) do
    lines[#lines + 1] = line
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = os.getenv("WRK_COOKIE")
end

function request()
  sent = sent + 1
  local line = lines[((sent - 1) % #lines) + 1]
  local space = line:find(" ", 1, true)
  return wrk.format(nil, line:sub(1, space - 1), nil, line:sub(space + 1))
end
