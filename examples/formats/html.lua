-- examples/formats/html.lua: an HTML digest of cleaned articles, one
-- <article> per record, ready to open in a browser or mail to a reader.
--
--   bin/stet clean --format examples/formats/html.lua examples/corpus -o digest.html
--
-- A format returns { extension, header, write, footer }; write gets one record
-- (id, site, source, title, date, authors, text, dup_of, meta) and returns
-- the text to append. Absent facts may arrive as nil or as a JSON null, so
-- every field is checked for its type before use.

local ESCAPES = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }

-- Escapes text for HTML element content and attribute values.
local function esc(s)
  return (s:gsub("[&<>\"']", ESCAPES))
end

-- The string value of a field, or nil when it is absent or null.
local function str(v)
  if type(v) == "string" and v ~= "" then return v end
  return nil
end

-- "A", "A and B", "A, B and C".
local function names(list)
  if type(list) ~= "table" or #list == 0 then return nil end
  local parts = {}
  for i, name in ipairs(list) do parts[i] = esc(tostring(name)) end
  if #parts == 1 then return parts[1] end
  return table.concat(parts, ", ", 1, #parts - 1) .. " and " .. parts[#parts]
end

local function header()
  return table.concat({
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    "<title>stet digest</title>",
    "<style>",
    "body { font: 17px/1.5 Georgia, serif; max-width: 42em; margin: 2em auto; padding: 0 1em; }",
    "article { border-bottom: 1px solid #ccc; padding-bottom: 1em; margin-bottom: 2em; }",
    ".meta { color: #555; font: 14px/1.4 sans-serif; }",
    ".dup { color: #a33; }",
    "</style>",
    "</head>",
    "<body>",
    "",
  }, "\n")
end

local function write(record)
  local out = {}
  out[#out + 1] = ('<article id="%s">'):format(esc(tostring(record.id or "")))
  out[#out + 1] = ("<h2>%s</h2>"):format(esc(str(record.title) or "(untitled)"))
  local meta = {}
  if str(record.site) then meta[#meta + 1] = esc(record.site) end
  if str(record.date) then
    meta[#meta + 1] = ('<time datetime="%s">%s</time>'):format(esc(record.date), esc(record.date))
  end
  local by = names(record.authors)
  if by then meta[#meta + 1] = "by " .. by end
  local m = type(record.meta) == "table" and record.meta or {}
  if str(m.section) then meta[#meta + 1] = esc(m.section) end
  local url = str(record.url) or str(m.url)
  if url then meta[#meta + 1] = ('<a href="%s">original</a>'):format(esc(url)) end
  if str(record.source) then meta[#meta + 1] = ("<code>%s</code>"):format(esc(record.source)) end
  if #meta > 0 then out[#out + 1] = ('<p class="meta">%s</p>'):format(table.concat(meta, " · ")) end
  if str(record.dup_of) then
    -- a duplicate (written with --keep-dups) points at its survivor; its
    -- body is the survivor's story, so the digest does not repeat it
    out[#out + 1] = ('<p class="meta dup">duplicate of <a href="#%s">%s</a></p>'):format(
      esc(record.dup_of), esc(record.dup_of))
    out[#out + 1] = "</article>"
    return table.concat(out, "\n") .. "\n"
  end
  local text = str(record.text) or ""
  for para in (text .. "\n\n"):gmatch("(.-)\n\n+") do
    if para ~= "" then
      out[#out + 1] = "<p>" .. esc(para):gsub("\n", "<br>\n") .. "</p>"
    end
  end
  out[#out + 1] = "</article>"
  return table.concat(out, "\n") .. "\n"
end

local function footer()
  return "</body>\n</html>\n"
end

return {
  extension = "html",
  header = header,
  write = write,
  footer = footer,
}
