-- scripts/top-paragraphs.lua: the paragraphs repeated most across a corpus,
-- per site: candidates for a site's drop rules or for the boilerplate filter.
--   stet run top-paragraphs [-n N] [-r RULES] PATH...
-- Counts every paragraph (before any rule) in a counting table, one count per
-- document, and prints the N most frequent per site with a sample of text.

local n, rules, paths = 10, {}, {}
local i = 1
while arg[i] do
  if arg[i] == "-n" then
    n = tonumber(arg[i + 1]) or n
    i = i + 2
  elseif arg[i] == "-r" or arg[i] == "--rules" then
    rules[#rules + 1] = arg[i + 1]
    i = i + 2
  else
    paths[#paths + 1] = arg[i]
    i = i + 1
  end
end
if #paths == 0 then
  io.stderr:write("usage: stet run top-paragraphs [-n N] [-r RULES] PATH...\n")
  os.exit(1)
end

local counter = stet.counter()
local docno, sites = 0, {}
for doc in stet.docs(paths, { rules = rules }) do
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
