-- stet merge: merges counting tables from shards into one table file.

local args = require "stet.args"

local merge = {
  summary = "merge table files from shards",
  usage = "stet merge -o FILE FILE...",
  description = [[
Adds up the counting tables written by `stet hash` on shards of a corpus
(documents split between shards, never within one). The result is the table
that `stet hash` would write for the whole corpus. Nothing is written when a
table cannot be read.]],
  options = {
    { name = "output", short = "o", arg = "FILE", help = "table file to write (required)" },
    { name = "quiet", short = "q", help = "no summary line" },
  },
}

function merge.run(opts, positional)
  if not opts.output then args.usage_error("merge", "missing -o FILE") end
  if #positional == 0 then args.usage_error("merge", "missing FILE") end
  local stet = require "stet"
  local total
  for _, path in ipairs(positional) do
    local t, err = stet.load_counter(path)
    if not t then
      io.stderr:write("stet merge: ", err, "\n")
      return 2
    end
    if total then total:merge(t) else total = t end
  end
  local ok, err = total:save(opts.output)
  if not ok then
    io.stderr:write("stet merge: ", err, "\n")
    return 2
  end
  if not opts.quiet then
    io.stderr:write(("stet merge: %d tables, %d entries -> %s\n"):format(
      #positional, total:size(), opts.output))
  end
  return 0
end

return merge
