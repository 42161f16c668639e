-- stet hash: counts the paragraph fingerprints of a corpus into a table file.
--
-- Until the clean pipeline exists this reads its own inputs: plain text
-- files (one document each, site = the name of the folder holding the file)
-- and JSON Lines files (*.jsonl, one document per line with a `text` field
-- and an optional `site` field); gzip and zstd files are decompressed.
-- Folders are walked recursively in sorted order. The work is in C:
-- counter:add_files reads, splits (blank lines), fingerprints and counts a
-- run of text files, counter:add_jsonl a whole JSON Lines file, handing
-- back only the lines its JSON scanner does not take.

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
`-` reads standard input, and a pipe given by name (`<(zcat x.jsonl.gz)`)
is read the same way: JSON Lines when its first line is a JSON object,
else one text document. The site of a document is --site, else the
record's `site` field, else the name of the folder holding the file ("" on
standard input). Binary files (a NUL in their first
8 KiB, such as a table file left in the corpus) are skipped and named. A
summary line goes to stderr.]],
  options = {
    { name = "site", short = "s", arg = "NAME", help = "site of every document" },
    { name = "output", short = "o", arg = "FILE", default = "hash.tbl",
      help = "table file to write (-: standard output)" },
    { name = "samples", default = true, help = "keep the start of repeated paragraphs for reports" },
    { name = "progress", help = "show progress on stderr even when it is not a terminal" },
    { name = "quiet", short = "q", help = "no summary line (nor progress)" },
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

-- JSON Lines files, compressed or not, by name.
local function is_jsonl(path)
  local j = find(path, ".jsonl", -10, true)
  return j and (j + 5 == #path or sub(path, j + 6) == ".gz" or sub(path, j + 6) == ".zst")
end

-- Text files per counter:add_files call while the progress line is shown.
hash.FILES_STEP = 256

-- Bytes read at a time from JSON Lines files: nil maps plain files and
-- reads compressed ones in 4 MiB blocks (a field so specs can make lines
-- cross block boundaries).
hash.block_size = nil

function hash.run(opts, positional)
  if #positional == 0 then args.usage_error("hash", "missing PATH") end
  local setup = require "stet.setup"
  opts.output = setup.binary_output("hash", opts.output)
  setup.check_output("hash", "output", opts.output, positional, "existing")
  setup.check_writable("hash", opts.output)
  local stet = require "stet"
  local counter = stet.counter()
  local keep_samples = opts.samples
  local st = { docs = 0, paras = 0, bytes = 0, bad = 0, binary = 0, read = 0 }
  local failed = false
  local clock = os.clock()
  -- the progress line (stet.progress): on a terminal, or with --progress
  local progress = require "stet.progress"
  local pg = { progress = opts.progress or (not opts.quiet and setup.stderr_is_tty()), started = stet.clock() }
  if pg.progress then pg.total_bytes = progress.input_size(positional) end
  local function show(docs, read, force)
    pg.done, pg.pass_bytes = docs, read
    progress.show(pg, "hash", force)
  end
  local function say(...) -- a message on stderr, on a line of its own
    progress.clear(pg)
    io.stderr:write("stet hash: ", ...)
    io.stderr:write("\n")
  end

  local function bad_line(file, line, why)
    st.bad = st.bad + 1
    say(("%s:%d: %s (line skipped)"):format(file, line, why))
  end

  local fields = { "text", "site" }
  local rec = {}

  -- A JSON Lines file: counter:add_jsonl reads it and adds the lines the C
  -- scanner takes; the others (invalid or unusual JSON, no string `text`)
  -- come back here one at a time, to be decoded as stet.json_fields does.
  local function jsonl_fallback(file, folder, line, lineno)
    local r, err = stet.json_fields(line, fields, rec)
    if not r then
      if err:find("^invalid JSON") then
        bad_line(file, lineno, err)
      else
        bad_line(file, lineno, "no string field 'text'")
      end
    elseif type(r.text) ~= "string" then
      bad_line(file, lineno, "no string field 'text'")
    else
      return r.text, opts.site or (type(r.site) == "string" and r.site) or folder
    end
  end

  local function read_jsonl(file)
    local folder = folder_name(file)
    local function fallback(line, lineno)
      return jsonl_fallback(file, folder, line, lineno)
    end
    local docs, paras, bytes, err = counter:add_jsonl(file, st.docs + 1, opts.site, folder,
      keep_samples, hash.block_size, fallback, nil, pg.progress and function(d, _, read)
        show(st.docs + d, st.read + read)
      end)
    st.docs, st.paras, st.bytes = st.docs + docs, st.paras + paras, st.bytes + bytes
    if pg.progress then -- (the file's size: what the percent goes by)
      st.read = st.read + (select(2, stet.stat(file)) or bytes)
      show(st.docs, st.read)
    end
    return err
  end

  -- Standard input ("-") or a pipe given by name (a FIFO, `<(zcat x.gz)`):
  -- JSON Lines or one text document, as its first line says (the sniff of
  -- stet clean); gzip and zstd are decompressed. Without --site and a
  -- `site` field, the site is the pipe's folder name, or "" for standard
  -- input, as stet clean has it.
  local function read_stream(path)
    local r, err = stet.open(path)
    if not r then return err end
    local readers = require "stet.readers"
    local kind, head = readers.sniff_stream(r)
    if not kind then
      r:close()
      return head
    end
    local folder = path == "-" and "" or folder_name(path)
    if kind == "jsonl" then
      local function fallback(line, lineno)
        return jsonl_fallback(path == "-" and "stdin" or path, folder, line, lineno)
      end
      local docs, paras, bytes
      docs, paras, bytes, err = counter:add_jsonl(r, st.docs + 1, opts.site, folder, keep_samples,
        hash.block_size, fallback, head, pg.progress and function(d, _, read)
          show(st.docs + d, st.read + read)
        end)
      st.docs, st.paras, st.bytes = st.docs + docs, st.paras + paras, st.bytes + bytes
      st.read = st.read + bytes
    else
      local rest
      rest, err = r:read_all()
      if rest then
        local text = head .. rest
        st.paras = st.paras + counter:add_paragraphs(text, opts.site or folder, st.docs + 1,
          keep_samples)
        st.docs, st.bytes, st.read = st.docs + 1, st.bytes + #text, st.read + #text
      end
    end
    r:close()
    return err
  end

  -- files[i..j], text files: one C call (counter:add_files), or one per
  -- FILES_STEP files when the progress line is shown. The table grows by
  -- what the files so far project for all of files[i..j].
  local function add_files(files, i, j)
    local step = pg.progress and hash.FILES_STEP or j - i + 1
    for a = i, j, step do
      local b = math.min(a + step - 1, j)
      local docs, paras, bytes, errs, binary = counter:add_files(files, a, b, st.docs + 1, opts.site,
        keep_samples, i, j)
      st.docs, st.paras, st.bytes, st.read = st.docs + docs, st.paras + paras, st.bytes + bytes, st.read + bytes
      for _, err in ipairs(errs) do
        say(err)
        failed = true
      end
      -- as stet clean rejects them: a table file left in the corpus is no text
      for _, file in ipairs(binary) do say(file, ": binary file, not text (skipped)") end
      st.binary = st.binary + #binary
      show(st.docs, st.read)
    end
  end

  for _, path in ipairs(positional) do
    local files = {}
    if path == "-" or stet.stat(path) == "other" then
      local err = read_stream(path)
      if err then
        say(err)
        failed = true
      end
    else
      files = stet.find_files(path) -- sorted, as find | LC_ALL=C sort
      if #files == 0 then
        local f, err = io.open(path, "rb")
        if f then f:close() err = path .. ": no files" end
        say(err)
        failed = true
      end
    end
    local first = 1 -- the first text file not yet added
    for k, file in ipairs(files) do
      if is_jsonl(file) then
        if first < k then add_files(files, first, k - 1) end
        first = k + 1
        local err = read_jsonl(file)
        if err then
          say(err)
          failed = true
        end
      end
    end
    if first <= #files then add_files(files, first, #files) end
  end

  show(st.docs, st.read, true)
  progress.clear(pg)
  local ok, err = counter:save(opts.output)
  if not ok then
    say(err)
    return 2
  end
  if not opts.quiet then
    local secs = os.clock() - clock
    local count = args.count
    io.stderr:write(("stet hash: %s, %s, %s%s, %.1f MB in %.2f s CPU (%.0f MB/s) -> %s\n"):format(
      count(st.docs, "document"), count(st.paras, "paragraph"),
      count(counter:size(), "distinct entry", "distinct entries"),
      (st.bad > 0 and ", " .. count(st.bad, "bad line") or "")
        .. (st.binary > 0 and ", " .. count(st.binary, "binary file") .. " skipped" or ""),
      st.bytes / 1e6, secs, secs > 0 and st.bytes / 1e6 / secs or 0, opts.output))
  end
  return failed and 2 or 0
end

return hash
