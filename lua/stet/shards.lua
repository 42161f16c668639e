-- stet.shards: signature files, which let `stet clean` decide duplicates
-- and boilerplate over a whole corpus while each machine cleans one shard.
--
--   stet signatures --shard K -o K.sig SHARD      (pass 1 on each shard)
--   stet merge -o all.sig 1.sig 2.sig ...         (one file for the corpus)
--   stet clean --shard K --signatures all.sig SHARD > K.jsonl
--
-- A signature file holds, per document of a shard, what pass 1 of `stet
-- clean` keeps (site, metadata, the fingerprints of its kept paragraphs, a
-- body fingerprint and a MinHash signature), keyed by shard number and
-- position, and the number of documents each shard read. Cleaning a shard
-- against the merged file gives the records a single run over the shards,
-- concatenated in shard order, would give.
--
-- Format 3: the line "STETSIG3\n", a u32 (little-endian) length and that
-- many bytes of a stet.pack of the header
--   { version = 3, near = T, items = { [shard] = n }, count = documents,
--     first = key, last = key }     (keys of the first and last record)
-- then the records in key order, as the store of pass 1 holds them
-- (core/lua_sumstore.c): 'L' records (st:dump's form, read back by
-- st:add_run), and for a summary that pass 1 made as a table (a document
-- dropped, or one the general way took) 'G', an i64 key, a u32 length and
-- a stet.pack of the table. Merging files of distinct shards is thus a
-- concatenation of their records in key order, read as it is written, and
-- loading one fills the store without a Lua table per document. Keys of
-- tables are packed in sorted order (stet.pack(v, true)), so the same
-- shard gives the same bytes; no record carries a spill offset. Files of
-- format 2 ("STETSIG1\n", then one stet.pack of the whole) are still read;
-- format 1, whose MinHash signatures differ, is refused. stet.pack and the
-- records are native-endian: shards and the merge run on one architecture.

local stet = require "stet"

local shards = {}

local MAGIC = "STETSIG3\n"
local MAGIC2 = "STETSIG1\n" -- formats 1 and 2
local VERSION = 3

local function fail(msg) error({ exit = 2, message = msg }, 0) end

-- Opens the file a signature file is written to: f, finish(ok, err). The
-- file is PATH.tmp, renamed into place by finish; where PATH is a link, a
-- device or a pipe, core/outfile.h says what is written instead.
local function open_out(path)
  local setup = require "stet.setup"
  local target = not stet._outfile_std(path) and stet._outfile_target(path)
  local direct = not target
  local tmp = direct and path or target .. ".tmp"
  local f, err
  if direct then f, err = setup.open_output(path) else f, err = io.open(tmp, "wb") end
  if not f then fail("stet: cannot write " .. err) end
  return f, function(ok, werr)
    local closed, cerr = setup.close_output(f)
    if not ok or not closed then
      if not direct then os.remove(tmp) end
      fail("stet: cannot write " .. tmp .. ": " .. tostring(werr or cerr))
    end
    if direct then return end
    local renamed, rerr = os.rename(tmp, target)
    if not renamed then fail("stet: cannot write " .. path .. ": " .. tostring(rerr)) end
  end
end

-- Writes the records of the store st (core/lua_sumstore.c) with write(s):
-- its 'L' records as they are, each table as 'G', key, length, stet.pack.
local function write_records(st, write)
  local i = 0
  while true do
    local blob, at, key = st:dump(i)
    local ok, err = write(blob)
    if not ok then return nil, err end
    if not key then return true end
    local s = st:get(key)
    s.off, s.len = nil, nil -- where pass 1 left the document: of no use to another run
    local p = stet.pack(s, true)
    ok, err = write("G" .. string.pack("<i8I4", key, #p) .. p)
    if not ok then return nil, err end
    i = at + 1
  end
end

local function header_bytes(h)
  local p = stet.pack({ version = VERSION, near = h.near, items = h.items, count = h.count, first = h.first,
                        last = h.last }, true)
  return MAGIC .. string.pack("<I4", #p) .. p
end

-- Writes a signature file of one shard: data = { near, items, store }.
function shards.write(path, data)
  local st = data.store
  local keys = st:keys()
  local f, finish = open_out(path)
  local ok, err = f:write(header_bytes({ near = data.near, items = data.items, count = #keys, first = keys[1],
                                         last = keys[#keys] }))
  if ok then ok, err = write_records(st, function(b) return f:write(b) end) end
  finish(ok, err)
end

-- Is the file a signature file?
function shards.is_signature_file(path)
  local f = io.open(path, "rb")
  if not f then return false end
  local head = f:read(#MAGIC)
  f:close()
  return head == MAGIC or head == MAGIC2
end

-- Reads the header of a signature file from the open file f, at its start:
-- the header table, with .body_at (where the records start) | nil, reason.
-- A file of format 2 is read whole: its header then holds keys and
-- summaries (key -> summary).
local function read_header(f, path)
  local magic = f:read(#MAGIC)
  if magic == MAGIC2 then
    local ok, data = pcall(stet.unpack, f:read("a") or "")
    if ok and type(data) == "table" and data.version == 1 then
      return nil, path .. ": a signature file of version 1, made by an earlier stet whose MinHash"
        .. " signatures differ; run stet signatures on its shard again"
    end
    if not ok or type(data) ~= "table" or data.version ~= 2 then
      return nil, path .. ": damaged signature file (" .. tostring(ok and "bad header" or data) .. ")"
    end
    local by_key = {}
    for i, k in ipairs(data.keys) do by_key[k] = data.summaries[i] end
    data.summaries = by_key
    data.count = #data.keys
    data.first, data.last = data.keys[1], data.keys[#data.keys]
    return data
  end
  if magic ~= MAGIC then return nil, path .. ": not a stet signature file" end
  local lb = f:read(4)
  local len = lb and #lb == 4 and string.unpack("<I4", lb)
  local hb = len and f:read(len)
  local ok, h = pcall(stet.unpack, hb or "")
  if not hb or #hb ~= len or not ok or type(h) ~= "table" or h.version ~= VERSION or type(h.items) ~= "table" then
    return nil, path .. ": damaged signature file (bad header)"
  end
  h.body_at = #MAGIC + 4 + len
  return h
end

-- Reads a signature file: its header (near, items, count, first, last),
-- the file left open at its records, for shards.fill | nil, "path:
-- reason". The file is read once, in order: it may be a pipe.
function shards.read(path)
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local h, why = read_header(f, path)
  if not h then
    f:close()
    return nil, why
  end
  if h.body_at then h.handle = f else f:close() end
  h.path = path
  return h
end

-- Bytes read at a time from a signature file's records (a field, so that
-- specs can cut records at every place).
shards.fill_block = 4 << 20

-- The records of the open file f into the store st, read shards.fill_block
-- bytes at a time: st:add_run takes the whole 'L' records of what is read (with
-- partial, it stops before one cut off by the block's end), and a 'G'
-- record's table is unpacked here. Raises a message when they are damaged
-- or cut short.
local function fill_from(f, st)
  local buf, pos, eof = "", 0, false
  -- makes sure buf holds n bytes from pos on, if the file has them
  local function need(n)
    while #buf - pos < n and not eof do
      local b = f:read(math.max(shards.fill_block, n))
      if b then buf, pos = buf:sub(pos + 1) .. b, 0 else eof = true end
    end
    return #buf - pos >= n
  end
  while need(1) do
    local at, _, _, general = st:add_run(buf, pos, true)
    if general then
      pos = at
      if not need(12) then error("a record cut short", 0) end
      local key, len = string.unpack("<i8I4", buf, pos + 1)
      if not need(12 + len) then error("a record cut short", 0) end
      local s = stet.unpack(buf:sub(pos + 13, pos + 12 + len))
      if type(s) ~= "table" then error("a summary that is no table", 0) end
      s.index = key -- (the decisions go by it)
      st:add(key, s)
      pos = pos + 12 + len
    elseif at == pos then -- no whole record from pos on: more bytes, or a file cut short
      if not need(#buf - pos + 1) then error("a record cut short", 0) end
    else
      pos = at
    end
  end
end

-- Adds the records of a signature file read by shards.read to the store
-- st, in key order, and closes the file. Raises a clear error when they are
-- damaged.
function shards.fill(sig, st)
  if sig.summaries then -- format 2
    for _, k in ipairs(sig.keys) do st:add(k, sig.summaries[k]) end
    sig.summaries, sig.keys = nil, nil
    return
  end
  local f = sig.handle
  sig.handle = nil
  local ok, err = pcall(fill_from, f, st)
  f:close()
  if not ok then fail(("stet: %s: damaged signature file (%s)"):format(sig.path or "?", tostring(err))) end
  if #st ~= sig.count then
    fail(("stet: %s: damaged signature file (%d documents where the header says %d)"):format(sig.path or "?",
      #st, sig.count))
  end
end

-- Merges signature files into one (shards must be distinct, and the files'
-- keys must not interleave: a file holds whole shards, merged in shard
-- order); names maps a path read to the name the user gave it (a pipe
-- read to a temporary file). The records are copied as they are, a file
-- after another, never all in memory. Returns shards, documents.
function shards.merge(paths, out, names)
  local parts, items, near = {}, {}, nil
  for _, file in ipairs(paths) do
    local path = names and names[file] or file -- the name the user gave
    local f, err = io.open(file, "rb")
    if not f then fail("stet merge: " .. (path ~= file and path .. err:sub(#file + 1) or err)) end
    local h, why = read_header(f, file)
    f:close()
    if not h then fail("stet merge: " .. (path ~= file and path .. why:sub(#file + 1) or why)) end
    if near and h.near ~= near then
      fail(("stet merge: %s was made with --near %s, the others with %s"):format(path, h.near, near))
    end
    near = h.near
    for shard, n in pairs(h.items) do
      if items[shard] then fail(("stet merge: shard %d appears twice (%s)"):format(shard, path)) end
      items[shard] = n
    end
    h.file, h.name = file, path
    if h.count > 0 then parts[#parts + 1] = h end
  end
  table.sort(parts, function(a, b) return a.first < b.first end)
  local count = 0
  for i, h in ipairs(parts) do
    count = count + h.count
    if i > 1 and h.first <= parts[i - 1].last then
      fail(("stet merge: the shards of %s and %s interleave: merge files of whole shards, in shard order")
        :format(parts[i - 1].name, h.name))
    end
  end
  local o, finish = open_out(out)
  local ok, err = o:write(header_bytes({ near = near, items = items, count = count,
                                         first = parts[1] and parts[1].first,
                                         last = parts[#parts] and parts[#parts].last }))
  for _, h in ipairs(parts) do
    if not ok then break end
    if h.summaries then -- format 2: its records, made through a store
      local st = stet._sumstore(nil, 0, 14)
      shards.fill(h, st)
      ok, err = write_records(st, function(b) return o:write(b) end)
    else
      local f = assert(io.open(h.file, "rb"))
      f:seek("set", h.body_at)
      while ok do
        local block = f:read(1 << 20)
        if not block then break end
        ok, err = o:write(block)
      end
      f:close()
    end
  end
  finish(ok, err)
  local n = 0
  for _ in pairs(items) do n = n + 1 end
  return n, count
end

return shards
