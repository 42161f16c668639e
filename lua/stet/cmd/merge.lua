-- stet merge: merges counting tables from shards into one table file.

local args = require "stet.args"

local merge = {
  summary = "merge table files or signature files from shards",
  usage = "stet merge -o FILE FILE...",
  description = [[
Adds up the counting tables written by `stet hash` on shards of a corpus
(documents split between shards, never within one). The result is the table
that `stet hash` would write for the whole corpus. Nothing is written when a
table cannot be read. Signature files (`stet signatures`) merge the same way
into one file for `stet clean --signatures`. FILE may be a pipe
(`<(ssh host cat a.tbl)`), or `-` for standard input: it is copied to a
temporary file (in $TMPDIR, else /tmp) first, as its first bytes say what
it is.]],
  options = {
    { name = "output", short = "o", arg = "FILE", help = "file to write (required; -: standard output)" },
    { name = "quiet", short = "q", help = "no summary line" },
  },
}

-- A file given as a pipe (`<(ssh host cat t.tbl)`, `-` for standard
-- input) is read once, to a temporary file: its first bytes say whether it
-- is a table or a signature file, and reading them from the pipe would
-- take them away from the loader. Returns the path to read, or nil, err.
local function readable(path, temps)
  local stet = require "stet"
  if path ~= "-" and stet.stat(path) ~= "other" then return path end
  local src = io.stdin
  if path ~= "-" then
    local err
    src, err = io.open(path, "rb")
    if not src then return nil, err end
  end
  local tmp, terr = stet._tmpfile("stet-merge-") -- in $TMPDIR, else /tmp
  if not tmp then return nil, "a temporary file for " .. path .. ": " .. terr end
  temps[#temps + 1] = tmp
  local dst, derr = io.open(tmp, "wb")
  if not dst then return nil, derr end
  while true do
    local block, rerr = src:read(1 << 20)
    if not block then
      if rerr then return nil, path .. ": " .. rerr end
      break
    end
    local ok, werr = dst:write(block)
    if not ok then return nil, tmp .. ": " .. tostring(werr) end
  end
  if src ~= io.stdin then src:close() end
  local ok, cerr = dst:close()
  if not ok then return nil, tmp .. ": " .. tostring(cerr) end
  return tmp
end

local function run(opts, positional, temps)
  local stet = require "stet"
  local shards = require "stet.shards"
  local paths, names = {}, {}
  for i, path in ipairs(positional) do
    local p, err = readable(path, temps)
    if not p then
      io.stderr:write("stet merge: ", err, "\n")
      return 2
    end
    paths[i], names[p] = p, path
  end
  if shards.is_signature_file(paths[1]) then
    local n, docs = shards.merge(paths, opts.output, names)
    if not opts.quiet then
      io.stderr:write(("stet merge: %s, %s -> %s\n"):format(args.count(n, "shard"),
        args.count(docs, "document"), opts.output))
    end
    return 0
  end
  local total
  for _, path in ipairs(paths) do
    local t, err = stet.load_counter(path)
    if not t then
      if names[path] ~= path then err = names[path] .. err:sub(#path + 1) end
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
    io.stderr:write(("stet merge: %s, %s -> %s\n"):format(args.count(#positional, "table"),
      args.count(total:size(), "entry", "entries"), opts.output))
  end
  return 0
end

function merge.run(opts, positional)
  if not opts.output then args.usage_error("merge", "missing -o FILE") end
  if #positional == 0 then args.usage_error("merge", "missing FILE") end
  opts.output = require("stet.setup").binary_output("merge", opts.output)
  local temps = {}
  local ok, code = pcall(run, opts, positional, temps)
  for _, tmp in ipairs(temps) do os.remove(tmp) end
  if not ok then error(code, 0) end
  return code
end

return merge
