-- examples/sites/bay-lantern.lua: The Bay Lantern, an (invented) Maine news
-- site with bylines, datelines and a footer of its own.
--
-- The layout (paragraphs separated by blank lines):
--   Portland council approves $14 million seawall rebuild    headline
--   By Marisol Duarte and Kevin Ashby                        byline
--   Published March 5, 2024                                  date
--   PORTLAND, Maine — The City Council voted ...             dateline, then
--                                                            the first paragraph
--   Waves break over ... (Bay Lantern photo by Jonah Kell)   caption
--   Marisol Duarte can be reached at mduarte@...             contact line
--   Get The Morning Lantern in your inbox every weekday.     newsletter prompt
--   Comments are closed for this story.
--
-- Wire stories carry the agency in the dateline:
--   WASHINGTON (Meridian Wire) - The Senate voted ...
-- The paragraph hook moves the dateline out of the first paragraph into
-- meta.dateline (and meta.agency).

local SEPARATORS = { " — ", " – ", " - " }

-- Splits "PLACE[, State][ (Agency)] — rest" into place, agency, rest;
-- nil when the paragraph does not open with a dateline.
local function split_dateline(text)
  local at, sep
  for _, s in ipairs(SEPARATORS) do
    local i = text:find(s, 1, true)
    if i and (not at or i < at) then at, sep = i, s end
  end
  if not at or at > 60 then return nil end
  local place, rest = text:sub(1, at - 1), text:sub(at + #sep)
  local agency
  local p, a = place:match("^(.-) %(([^()]+)%)$")
  if p then place, agency = p, a end
  -- a city in capitals ("PORTLAND", "SOUTH PORTLAND", "ST. LOUIS"),
  -- then optionally ", State"
  local city, state = place:match("^(%u[%u%.' ]*%u)(.*)$")
  if not city or not (state == "" or state:match("^, %u[%a%.]*[%a%. ]*$")) then return nil end
  if not rest:match("^%S") then return nil end
  return place, agency, rest
end

-- True when no paragraph before p is still kept.
local function first_kept(p, doc)
  for _, q in ipairs(doc.paragraphs) do
    if q.index == p.index then return true end
    if not q.drop then return false end
  end
  return false
end

return {
  name = "bay-lantern",
  domains = { "baylantern.example" },
  head = { "title", "byline", { "date", pattern = "^Published (.+)$" } },
  drop = {
    caption = "%(Bay Lantern photo by [^()]+%)$",
    contact = "^%u[%a%.'%- ]+ can be reached at %S+@%S+$",
    newsletter = "^Get The Morning Lantern in your inbox",
    comments = "^Comments are closed for this story%.$",
  },
  paragraph = function(p, doc)
    if doc.meta.dateline or not first_kept(p, doc) then return nil end
    local place, agency, rest = split_dateline(p.text)
    if not place then return nil end
    doc.meta.dateline = place
    doc.meta.agency = agency
    return rest
  end,
}
