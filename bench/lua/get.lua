-- GET a random (path, headers) pair of the scenario per request.
function init(args)
  math.randomseed(os.time() + (id or 0) * 7919)
end

function request()
  local entry = paths[math.random(#paths)]
  return wrk.format("GET", entry[1], headers[entry[2]])
end
