-- wrk: POST the "Send" of a different answer link each request (tokens from $PATHS_FILE, one path a line).
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do paths[#paths + 1] = line end
local i = math.random(#paths)
local headers = {
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
}
request = function()
  i = i % #paths + 1
  return wrk.format("POST", paths[i], headers, "auto=0&wd=0")
end
