-- JSON Lines, one record per line, keys in the order of DESIGN.md.
local json = require "stet.json"

local KEYS = { "id", "site", "source", "title", "date", "authors", "text", "dup_of", "meta" }

return {
  extension = "jsonl",
  write = function(r)
    local rec = {}
    for _, k in ipairs(KEYS) do rec[k] = r[k] end
    rec.authors = json.array(r.authors or {})
    rec.meta = r.meta or {}
    return json.encode(rec, KEYS) .. "\n"
  end,
}
