-- scripts/sites.lua: documents, paragraphs and body size per site.
--   stet run sites [-r RULES] PATH...
-- Prints one line per site, sorted by name: documents, kept paragraphs,
-- dropped paragraphs, mean body length in bytes, and the most frequent drop
-- labels. A quick look at what the rules do across a corpus.

local opts, paths = require("stet.args").script {
  usage = "stet run sites [-r RULES] PATH...",
  summary = "documents, paragraphs and body size per site",
  description = [[
One line per site, sorted by name: documents, kept and dropped paragraphs,
mean body length in bytes and the most frequent drop labels. Documents that
cannot be read are named on stderr; the exit code is then 2.]],
  options = { { name = "rules", short = "r", arg = "PATH", list = true, help = "rule file or folder (repeatable)" } },
  min_args = 1, missing = "PATH",
}

local sites = {}
local rejected = stet.reject_reporter("stet run sites")
for doc in stet.docs(paths, { rules = opts.rules, on_reject = rejected }) do
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
if rejected.count > 0 then os.exit(2) end
