-- CSV (RFC 4180): a header line, then one row per record. Authors are
-- joined with "; ", meta is left out.
local COLUMNS = { "id", "site", "source", "title", "date", "authors", "dup_of", "text" }

local function field(v)
  if v == nil then return "" end
  if type(v) == "table" then v = table.concat(v, "; ") end
  v = tostring(v)
  if v:find('[",\r\n]') then return '"' .. v:gsub('"', '""') .. '"' end
  return v
end

return {
  extension = "csv",
  header = function() return table.concat(COLUMNS, ",") .. "\r\n" end,
  write = function(r)
    local row = {}
    for i, k in ipairs(COLUMNS) do row[i] = field(r[k]) end
    return table.concat(row, ",") .. "\r\n"
  end,
}
