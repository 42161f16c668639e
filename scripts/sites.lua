-- scripts/sites.lua: documents, paragraphs and body size per site.
--   stet run sites [-r RULES] PATH...
-- Prints one line per site, sorted by name: documents, kept paragraphs,
-- dropped paragraphs, mean body length in bytes, and the most frequent drop
-- labels. A quick look at what the rules do across a corpus.

local args, rules = {}, {}
local i = 1
while arg[i] do
  if arg[i] == "-r" or arg[i] == "--rules" then
    rules[#rules + 1] = arg[i + 1]
    i = i + 2
  else
    args[#args + 1] = arg[i]
    i = i + 1
  end
end
if #args == 0 then
  io.stderr:write("usage: stet run sites [-r RULES] PATH...\n")
  os.exit(1)
end

local sites = {}
for doc in stet.docs(args, { rules = rules }) do
  local name = doc.site or "(none)"
  local s = sites[name] or { docs = 0, kept = 0, dropped = 0, bytes = 0, labels = {} }
  sites[name] = s
  s.docs = s.docs + 1
  s.bytes = s.bytes + #doc.text
  for _, p in ipairs(doc.paragraphs) do
    if p.drop then
      s.dropped = s.dropped + 1
      s.labels[p.drop] = (s.labels[p.drop] or 0) + 1
    else
      s.kept = s.kept + 1
    end
  end
end

local names = {}
for name in pairs(sites) do names[#names + 1] = name end
table.sort(names)
print(("%-20s %6s %8s %8s %8s  %s"):format("site", "docs", "kept", "dropped", "mean", "top drops"))
for _, name in ipairs(names) do
  local s = sites[name]
  local labels = {}
  for l, n in pairs(s.labels) do labels[#labels + 1] = { l, n } end
  table.sort(labels, function(a, b) return a[2] > b[2] or (a[2] == b[2] and a[1] < b[1]) end)
  local top = {}
  for k = 1, math.min(3, #labels) do top[k] = labels[k][1] .. " " .. labels[k][2] end
  print(("%-20s %6d %8d %8d %8.0f  %s"):format(name, s.docs, s.kept, s.dropped,
    s.bytes / math.max(s.docs, 1), table.concat(top, ", ")))
end
