-- JSON Lines, one record per line, keys in the order of DESIGN.md:
-- id, site, source, title, date, authors, text, dup_of, meta (meta's own
-- keys sorted). Built directly as a string: this runs once per record.
local json = require "stet.json"

local quote, encode, string_array = json.string, json.encode, json.string_array

local function str(v)
  if v == nil then return "null" end
  return quote(tostring(v))
end

return {
  extension = "jsonl",
  json_text = true, -- r.text_json: the body's JSON literal, made in C
  write = function(r)
    local meta = (r.meta and next(r.meta) ~= nil) and encode(r.meta) or "{}"
    -- one concatenation: Lua sizes the result once and copies each piece
    return '{"id": ' .. str(r.id) .. ', "site": ' .. str(r.site) .. ', "source": ' .. str(r.source) ..
      ', "title": ' .. str(r.title) .. ', "date": ' .. str(r.date) .. ', "authors": ' ..
      string_array(r.authors) .. ', "text": ' .. (r.text_json or str(r.text)) .. ', "dup_of": ' ..
      str(r.dup_of) .. ', "meta": ' .. meta .. "}\n"
  end,
}
