-- POST a JSON body with a phone number never registered before: "19" + run id (3 digits)
-- + thread (1 digit) + counter (5 digits) = an 11-digit mainland mobile; no seeded phone
-- starts with 19. The (path, authorization, body template) triples are used in turn.
local counter = 0

function request()
  counter = counter + 1
  local post = posts[(counter % #posts) + 1]
  local phone = string.format("19%03d%d%05d", run_id, (id or 0) % 10, counter % 100000)
  local hdrs = {["Content-Type"] = "application/json"}
  if post[2] ~= "" then hdrs["Authorization"] = post[2] end
  return wrk.format("POST", post[1], hdrs, string.format(post[3], phone))
end
