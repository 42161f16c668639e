-- stet hash: counts the paragraph fingerprints of a corpus into a table file.
--
-- Until the clean pipeline exists this reads its own inputs: plain text
-- files (one document each, site = the name of the folder holding the file)
-- and JSON Lines files (*.jsonl, one document per line with a `text` field
-- and an optional `site` field). Folders are walked recursively in sorted
-- order. Paragraphs are split on blank lines by `count_paragraphs` below, the
-- one place to swap for stet's segmentation when it lands.

local args = require "stet.args"

local hash = {
  summary = "count paragraph fingerprints into a table file",
  usage = "stet hash [--site NAME] [-o FILE] PATH...",
  description = [[
Counts, for every paragraph fingerprint and site, in how many documents it
occurs, and saves the counts as a table file for `stet merge` and the
boilerplate filter. PATH is a text file (one document), a .jsonl file (one
document per line: `text`, optional `site`) or a folder walked recursively.
The site of a document is --site, else the record's `site` field, else the
name of the folder holding the file. A summary line goes to stderr.]],
  options = {
    { name = "site", short = "s", arg = "NAME", help = "site of every document" },
    { name = "output", short = "o", arg = "FILE", default = "hash.tbl", help = "table file to write" },
    { name = "samples", default = true, help = "keep the start of repeated paragraphs for reports" },
    { name = "quiet", short = "q", help = "no summary line" },
  },
}

local function shell_quote(s)
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

-- Counts the paragraphs of one document: blocks separated by blank lines,
-- split, fingerprinted and counted in C. The one place to change when
-- paragraphs come from stet's segmentation. Returns the paragraph count.
local function count_paragraphs(counter, text, site, doc, samples)
  return counter:add_paragraphs(text, site, doc, samples)
end
hash.count_paragraphs = count_paragraphs

-- The regular files under path (path itself when it is a file), sorted.
local function files_under(path)
  local p = io.popen("find " .. shell_quote(path) .. " -type f -print0 2>/dev/null | LC_ALL=C sort -z")
  local list = {}
  for name in p:read("a"):gmatch("%Z+") do list[#list + 1] = name end
  p:close()
  return list
end

local function folder_name(path)
  return path:match("([^/]+)/[^/]*$") or "."
end

function hash.run(opts, positional)
  if #positional == 0 then args.usage_error("hash", "missing PATH") end
  local stet = require "stet"
  local cjson = require "cjson"
  local counter = stet.counter()
  local keep_samples = opts.samples
  local st = { docs = 0, paras = 0, bytes = 0, bad = 0 }
  local failed = false
  local clock = os.clock()

  local function add_document(text, site)
    st.docs = st.docs + 1
    st.bytes = st.bytes + #text
    st.paras = st.paras + count_paragraphs(counter, text, site, st.docs, keep_samples)
  end

  local function bad_line(file, line, why)
    st.bad = st.bad + 1
    io.stderr:write(("stet hash: %s:%d: %s (line skipped)\n"):format(file, line, why))
  end

  local function read_jsonl(file, f)
    local lineno = 0
    for line in f:lines() do
      lineno = lineno + 1
      if line:find("%S") then
        local ok, rec = pcall(cjson.decode, line)
        if not ok then
          bad_line(file, lineno, "invalid JSON: " .. tostring(rec):gsub("^.-: ", ""))
        elseif type(rec) ~= "table" or type(rec.text) ~= "string" then
          bad_line(file, lineno, "no string field 'text'")
        else
          local site = opts.site or (type(rec.site) == "string" and rec.site) or folder_name(file)
          add_document(rec.text, site)
        end
      end
    end
  end

  for _, path in ipairs(positional) do
    local files = files_under(path)
    if #files == 0 then
      local f, err = io.open(path, "rb")
      if f then f:close() err = path .. ": no files" end
      io.stderr:write("stet hash: ", err, "\n")
      failed = true
    end
    for _, file in ipairs(files) do
      local f, err = io.open(file, "rb")
      if not f then
        io.stderr:write("stet hash: ", err, "\n")
        failed = true
      elseif file:match("%.jsonl$") then
        read_jsonl(file, f)
        f:close()
      else
        local text = f:read("a")
        f:close()
        add_document(text, opts.site or folder_name(file))
      end
    end
  end

  local ok, err = counter:save(opts.output)
  if not ok then
    io.stderr:write("stet hash: ", err, "\n")
    return 2
  end
  if not opts.quiet then
    local secs = os.clock() - clock
    io.stderr:write(("stet hash: %d documents, %d paragraphs, %d distinct entries%s, " ..
      "%.1f MB in %.2f s CPU (%.0f MB/s) -> %s\n"):format(
      st.docs, st.paras, counter:size(), st.bad > 0 and (", %d bad lines"):format(st.bad) or "",
      st.bytes / 1e6, secs, secs > 0 and st.bytes / 1e6 / secs or 0, opts.output))
  end
  return failed and 2 or 0
end

return hash
