-- stet hash: counts the paragraph fingerprints of a corpus into a table file.
--
-- Until the clean pipeline exists this reads its own inputs: plain text
-- files (one document each, site = the name of the folder holding the file)
-- and JSON Lines files (*.jsonl, one document per line with a `text` field
-- and an optional `site` field); gzip and zstd files are decompressed
-- (stet.open). Folders are walked recursively in sorted order. The work is
-- in C: counter:add_file reads, splits (blank lines), fingerprints and
-- counts a text file; for JSON Lines, stet.json_fields picks `text` and
-- `site` out of each line and counter:add_paragraphs does the rest.

local args = require "stet.args"

local byte, find, sub = string.byte, string.find, string.sub

local hash = {
  summary = "count paragraph fingerprints into a table file",
  usage = "stet hash [--site NAME] [-o FILE] PATH...",
  description = [[
Counts, for every paragraph fingerprint and site, in how many documents it
occurs, and saves the counts as a table file for `stet merge` and the
boilerplate filter. PATH is a text file (one document), a .jsonl file (one
document per line: `text`, optional `site`) or a folder walked recursively;
gzip and zstd files (.gz, .zst, .jsonl.gz, .jsonl.zst) are decompressed.
The site of a document is --site, else the record's `site` field, else the
name of the folder holding the file. A summary line goes to stderr.]],
  options = {
    { name = "site", short = "s", arg = "NAME", help = "site of every document" },
    { name = "output", short = "o", arg = "FILE", default = "hash.tbl", help = "table file to write" },
    { name = "samples", default = true, help = "keep the start of repeated paragraphs for reports" },
    { name = "quiet", short = "q", help = "no summary line" },
  },
}

-- The name of the folder holding path ("." when there is none). A byte
-- loop from the end: Lua patterns anchored at the end try every start.
local function folder_name(path)
  local j = #path
  while j > 0 and byte(path, j) ~= 47 do j = j - 1 end
  if j <= 1 then return "." end
  local i = j - 1
  while i > 0 and byte(path, i) ~= 47 do i = i - 1 end
  return i + 1 < j and sub(path, i + 1, j - 1) or "."
end

-- A folder_name that remembers the last folder: the files of a folder come
-- one after another, and most calls are then a compare.
local function folder_namer()
  local dir, dirlen, name
  return function(path)
    if dir and sub(path, 1, dirlen) == dir and not find(path, "/", dirlen + 1, true) then
      return name
    end
    local j = #path
    while j > 0 and byte(path, j) ~= 47 do j = j - 1 end
    dir, dirlen, name = sub(path, 1, j), j, folder_name(path)
    return name
  end
end

-- JSON Lines files, compressed or not, by name.
local function is_jsonl(path)
  local j = find(path, ".jsonl", -10, true)
  return j and (j + 5 == #path or sub(path, j + 6) == ".gz" or sub(path, j + 6) == ".zst")
end

-- Bytes read at a time from JSON Lines files (a field so specs can make
-- lines cross block boundaries).
hash.block_size = 4 * 1024 * 1024

function hash.run(opts, positional)
  if #positional == 0 then args.usage_error("hash", "missing PATH") end
  local stet = require "stet"
  local counter = stet.counter()
  local keep_samples = opts.samples
  local st = { docs = 0, paras = 0, bytes = 0, bad = 0 }
  local failed = false
  local folder_of = folder_namer()
  local clock = os.clock()

  local function add_document(text, site)
    st.docs = st.docs + 1
    st.bytes = st.bytes + #text
    st.paras = st.paras + counter:add_paragraphs(text, site, st.docs, keep_samples)
  end

  local function bad_line(file, line, why)
    st.bad = st.bad + 1
    io.stderr:write(("stet hash: %s:%d: %s (line skipped)\n"):format(file, line, why))
  end

  local fields = { "text", "site" }
  local rec = {}

  -- One JSON line: s[i..j] (not cut out of its block: no copy).
  local function jsonl_line(file, lineno, s, i, j, folder)
    local k = find(s, "%S", i)
    if not k or k > j then return end
    local r, err = stet.json_fields(s, fields, rec, i, j)
    if not r then
      if err:find("^invalid JSON") then
        bad_line(file, lineno, err)
      else
        bad_line(file, lineno, "no string field 'text'")
      end
    elseif type(r.text) ~= "string" then
      bad_line(file, lineno, "no string field 'text'")
    else
      local site = opts.site or (type(r.site) == "string" and r.site) or folder
      add_document(r.text, site)
    end
  end

  -- JSON Lines read in big blocks (stet.open: gzip and zstd too).
  local function read_jsonl(file)
    local r, err = stet.open(file)
    if not r then return err end
    local lineno, rest, folder = 0, "", folder_name(file)
    while true do
      local block, rerr = r:read(hash.block_size)
      if not block then
        err = rerr
        break
      end
      local pos = 1
      if rest ~= "" then -- the line cut by the block boundary, joined alone
        local nl = find(block, "\n", 1, true)
        if nl then
          local line = rest .. sub(block, 1, nl - 1)
          lineno = lineno + 1
          jsonl_line(file, lineno, line, 1, #line, folder)
          pos = nl + 1
        else
          block = rest .. block
        end
      end
      while true do
        local nl = find(block, "\n", pos, true)
        if not nl then break end
        lineno = lineno + 1
        jsonl_line(file, lineno, block, pos, nl - 1, folder)
        pos = nl + 1
      end
      rest = sub(block, pos)
    end
    r:close()
    if not err and rest ~= "" then jsonl_line(file, lineno + 1, rest, 1, #rest, folder) end
    return err
  end

  for _, path in ipairs(positional) do
    local files = stet.find_files(path) -- sorted, as find | LC_ALL=C sort
    if #files == 0 then
      local f, err = io.open(path, "rb")
      if f then f:close() err = path .. ": no files" end
      io.stderr:write("stet hash: ", err, "\n")
      failed = true
    end
    for _, file in ipairs(files) do
      local err
      if is_jsonl(file) then
        err = read_jsonl(file)
      else
        local docs = st.docs + 1
        local paras, bytes = counter:add_file(file, opts.site or folder_of(file), docs, keep_samples)
        if paras then
          st.docs, st.paras, st.bytes = docs, st.paras + paras, st.bytes + bytes
        else
          err = bytes
        end
      end
      if err then
        io.stderr:write("stet hash: ", err, "\n")
        failed = true
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
