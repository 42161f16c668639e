-- scripts/top-paragraphs.lua: the paragraphs repeated most across a corpus,
-- per site: candidates for a site's drop rules or for the boilerplate filter.
--   stet run top-paragraphs [-n N] [-r RULES] PATH...
-- Counts every paragraph (before any rule) in a counting table, one count per
-- document, and prints the N most frequent per site with a sample of text.

local opts, paths = require("stet.args").script {
  usage = "stet run top-paragraphs [-n N] [-r RULES] PATH...",
  summary = "the paragraphs repeated most per site",
  description = [[
Counts every paragraph (before any rule) in a counting table, one count per
document, and prints the N most frequent per site with a sample of their
text: candidates for a site's drop rules or for the boilerplate filter.
Documents that cannot be read are named on stderr; the exit code is then 2.]],
  options = {
    { name = "top", short = "n", arg = "N", number = true, default = 10, help = "paragraphs shown per site" },
    { name = "rules", short = "r", arg = "PATH", list = true, help = "rule file or folder (repeatable)" },
  },
  min_args = 1, missing = "PATH",
}
local n = math.tointeger(opts.top)
if not n or n < 1 then
  io.stderr:write("stet run top-paragraphs: -n must be a whole number >= 1\n")
  os.exit(1)
end

local counter = stet.counter()
local docno, sites = 0, {}
local rejected = stet.reject_reporter("stet run top-paragraphs")
for doc in stet.docs(paths, { rules = opts.rules, on_reject = rejected }) do
  docno = docno + 1
  local site = doc.site or ""
  sites[site] = true
  for _, p in ipairs(doc.paragraphs) do counter:add(p.fp, site, docno, p.text) end
end

local names = {}
for s in pairs(sites) do names[#names + 1] = s end
table.sort(names)
for _, site in ipairs(names) do
  print(("== %s"):format(site == "" and "(no site)" or site))
  for _, e in ipairs(counter:top(n, site)) do
    if e.count >= 2 then
      print(("%6d  %s"):format(e.count, (e.sample or ""):gsub("\n", " ")))
    end
  end
end
if rejected.count > 0 then os.exit(2) end
