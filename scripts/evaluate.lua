-- scripts/evaluate.lua: measures cleaning against annotated pages.
--   stet run evaluate [-r RULES] [--show N] FILE.jsonl
-- Each record has the page `text` and arrays `must_keep` (snippets of the
-- article a good cleaner keeps) and `must_drop` (snippets of boilerplate it
-- removes). Prints, over all pages, the share of must_keep snippets found in
-- the cleaned body (keep recall) and of must_drop snippets absent from it
-- (drop rate), plus the pages with the most misses.

local cjson = require("cjson").new()

local opts, paths = require("stet.args").script {
  usage = "stet run evaluate [-r RULES] [--show N] FILE.jsonl",
  summary = "measure cleaning against pages annotated with snippets to keep and to drop",
  description = [[
Each record of FILE.jsonl has the page `text` and arrays `must_keep`
(snippets of the article a good cleaner keeps) and `must_drop` (snippets of
boilerplate it removes). Prints, over all pages, the share of must_keep
snippets found in the cleaned body (keep recall) and of must_drop snippets
absent from it (drop rate), then the N pages with the most misses.]],
  options = {
    { name = "rules", short = "r", arg = "PATH", list = true, help = "rule file or folder (repeatable)" },
    { name = "show", arg = "N", number = true, default = 5, help = "pages with the most misses shown" },
  },
  min_args = 1, missing = "FILE.jsonl",
}
local path, rules, show = paths[1], opts.rules, math.tointeger(opts.show) or 5

-- Snippets are compared after the same normalization as the body, with
-- runs of white space made single.
local function squash(s)
  return (stet.normalize(s, { quotes = true }):gsub("%s+", " "))
end

local expected = {}
local f, err = io.open(path, "rb")
if not f then
  io.stderr:write("stet run evaluate: ", err, "\n")
  os.exit(2)
end
for line in f:lines() do
  local ok, rec = pcall(cjson.decode, line)
  if ok and type(rec) == "table" and rec.id then expected[tostring(rec.id)] = rec end
end
f:close()

local keep_found, keep_total, drop_gone, drop_total, pages = 0, 0, 0, 0, 0
local misses = {}
for doc in stet.docs({ path }, { rules = rules }) do
  local rec = expected[doc.id]
  if rec then
    pages = pages + 1
    local body = squash(doc.text)
    local lost, left = 0, 0
    for _, s in ipairs(type(rec.must_keep) == "table" and rec.must_keep or {}) do
      keep_total = keep_total + 1
      if body:find(squash(s), 1, true) then keep_found = keep_found + 1 else lost = lost + 1 end
    end
    for _, s in ipairs(type(rec.must_drop) == "table" and rec.must_drop or {}) do
      drop_total = drop_total + 1
      if body:find(squash(s), 1, true) then left = left + 1 else drop_gone = drop_gone + 1 end
    end
    misses[#misses + 1] = { id = doc.id, lost = lost, left = left }
  end
end

print(("pages %d"):format(pages))
print(("keep recall %.3f (%d of %d must_keep snippets kept)"):format(
  keep_found / math.max(keep_total, 1), keep_found, keep_total))
print(("drop rate   %.3f (%d of %d must_drop snippets removed)"):format(
  drop_gone / math.max(drop_total, 1), drop_gone, drop_total))
table.sort(misses, function(a, b)
  if a.lost ~= b.lost then return a.lost > b.lost end
  return a.id < b.id
end)
for k = 1, math.min(show, #misses) do
  if misses[k].lost > 0 then
    print(("  %s: %d must_keep lost, %d must_drop left"):format(misses[k].id, misses[k].lost, misses[k].left))
  end
end
