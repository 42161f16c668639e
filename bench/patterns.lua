-- bench/patterns.lua: the cost per paragraph of the generic rules' drop
-- patterns, tried three ways on the same paragraphs:
--   loop      for each pattern, string.find (what a plain rule loop does)
--   dispatch  the Lua first-byte dispatch of stet.rules (string.find on the
--             patterns whose literal prefix starts with the paragraph's byte)
--   first     stet.patterns(list):first(text), matched in C
-- and checks that all three pick the same pattern for every paragraph.
--
--   lua5.4 bench/patterns.lua PAGES.jsonl [PARAGRAPHS=50000] [RUNS=3]
--
-- PAGES.jsonl holds records with a "text" field; their texts are normalized
-- and split on blank lines, and the paragraphs are cycled up to PARAGRAPHS.
-- Run from anywhere after `make`; the data is not part of the repository.
local root = (arg[0]:match("^(.*)/bench/[^/]*$") or ".")
package.path = root .. "/lua/?.lua;" .. root .. "/lua/?/init.lua;" .. package.path
package.cpath = root .. "/build/lib/?.so;" .. package.cpath

local stet = require "stet"
local cjson = require "cjson"
local rules = require "stet.rules"
local generic = require "stet.sites.generic"

local path, want, runs = arg[1], tonumber(arg[2] or 50000), tonumber(arg[3] or 3)
if not path then
  io.stderr:write("usage: lua5.4 bench/patterns.lua PAGES.jsonl [PARAGRAPHS] [RUNS]\n")
  os.exit(1)
end

-- the generic drop patterns, in the order stet.rules applies them
local list = {}
for _, m in ipairs(rules.generic.drops) do
  if m.pattern then list[#list + 1] = m.pattern end
end
assert(#list > 0 and generic.drop)

local paras, bytes = {}, 0
for line in io.lines(path) do
  local text = stet.normalize(cjson.decode(line).text or "")
  for p in (text .. "\n\n"):gmatch("(.-)\n%s*\n") do
    p = p:match("^%s*(.-)%s*$")
    if p ~= "" then paras[#paras + 1] = p end
  end
end
local distinct = math.min(#paras, want)
assert(distinct > 0, "no paragraphs")
for i = distinct + 1, want do paras[i] = paras[(i - 1) % distinct + 1] end
for i = want + 1, #paras do paras[i] = nil end
for _, p in ipairs(paras) do bytes = bytes + #p end

local find, byte = string.find, string.byte

local function loop(out)
  for k, text in ipairs(paras) do
    local hit = false
    for i = 1, #list do
      if find(text, list[i]) then
        hit = i
        break
      end
    end
    out[k] = hit
  end
end

local dispatch = rules.dispatch((function()
  local ms = {}
  for i, p in ipairs(list) do ms[i] = { pattern = p, index = i } end
  return ms
end)())
local function by_byte(out)
  for k, text in ipairs(paras) do
    local hit = false
    for _, m in ipairs(dispatch[byte(text, 1) or -1]) do
      if find(text, m.pattern) then
        hit = m.index
        break
      end
    end
    out[k] = hit
  end
end

local set = assert(stet.patterns(list))
local function first(out)
  for k, text in ipairs(paras) do out[k] = set:first(text) or false end
end

local function time(fn)
  local best, out = math.huge, {}
  for _ = 1, runs do
    local t = os.clock()
    fn(out)
    best = math.min(best, os.clock() - t)
  end
  return best, out
end

print(("%d patterns, %d paragraphs (%d distinct), %.1f MB, %.0f bytes per paragraph"):format(
  #list, #paras, distinct, bytes / 1e6, bytes / #paras))
local results = {}
for _, row in ipairs({ { "loop", loop }, { "dispatch", by_byte }, { "first", first } }) do
  local secs, out = time(row[2])
  results[#results + 1] = out
  print(("%-9s %8.3f s  %7.3f us/paragraph  %8.1f MB/s"):format(row[1], secs, secs / #paras * 1e6,
    bytes / 1e6 / secs))
end
local hits = 0
for k = 1, #paras do
  assert(results[1][k] == results[2][k] and results[1][k] == results[3][k], "disagreement on: " .. paras[k])
  if results[1][k] then hits = hits + 1 end
end
print(("all three agree; %d paragraphs matched a pattern"):format(hits))
