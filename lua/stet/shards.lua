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
-- Format: the line "STETSIG1\n", then a stet.pack of
--   { version = 2, near = T, items = { [shard] = n }, keys = { key... },
--     summaries = { summary... } }   (keys and summaries in input order)
-- Version 2 holds MinHash signatures of format 2 (core/minhash.h); a file
-- of version 1 is refused, since its signatures match none of today's.
-- stet.pack is native-endian: shards and the merge run on one architecture.
-- Table keys are packed in sorted order (stet.pack(v, true)), so the same
-- shard gives the same bytes; a summary carries no spill offsets.

local stet = require "stet"

local shards = {}

local MAGIC = "STETSIG1\n"
local VERSION = 2

local function fail(msg) error({ exit = 2, message = msg }, 0) end

-- Writes a signature file (to PATH.tmp, then renamed; where PATH is a
-- link, a device or a pipe, core/outfile.h says what is written instead).
function shards.write(path, data)
  local list = {}
  for i, k in ipairs(data.keys) do
    local s = data.summaries[k]
    s.off, s.len = nil, nil -- where pass 1 left the document: of no use to another run
    list[i] = s
  end
  local body = stet.pack({ version = VERSION, near = data.near, items = data.items, keys = data.keys,
                           summaries = list }, true) -- the same bytes for the same shard
  local setup = require "stet.setup"
  local target = not stet._outfile_std(path) and stet._outfile_target(path)
  local direct = not target
  local tmp = direct and path or target .. ".tmp"
  local f, err
  if direct then f, err = setup.open_output(path) else f, err = io.open(tmp, "wb") end
  if not f then fail("stet: cannot write " .. err) end
  local ok, werr = f:write(MAGIC, body)
  local closed, cerr = setup.close_output(f)
  if not ok or not closed then
    if not direct then os.remove(tmp) end
    fail("stet: cannot write " .. tmp .. ": " .. tostring(werr or cerr))
  end
  if direct then return end
  local renamed, rerr = os.rename(tmp, target)
  if not renamed then fail("stet: cannot write " .. path .. ": " .. tostring(rerr)) end
end

-- Is the file a signature file?
function shards.is_signature_file(path)
  local f = io.open(path, "rb")
  if not f then return false end
  local head = f:read(#MAGIC)
  f:close()
  return head == MAGIC
end

-- Reads a signature file: { near, items, keys, summaries (key -> summary) }
-- or nil and "path: reason".
function shards.read(path)
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local s = f:read("a")
  f:close()
  if s:sub(1, #MAGIC) ~= MAGIC then return nil, path .. ": not a stet signature file" end
  local ok, data = pcall(stet.unpack, s:sub(#MAGIC + 1))
  if ok and type(data) == "table" and data.version == 1 then
    return nil, path .. ": a signature file of version 1, made by an earlier stet whose MinHash"
      .. " signatures differ; run stet signatures on its shard again"
  end
  if not ok or type(data) ~= "table" or data.version ~= VERSION then
    return nil, path .. ": damaged signature file (" .. tostring(ok and "bad header" or data) .. ")"
  end
  local by_key = {}
  for i, k in ipairs(data.keys) do by_key[k] = data.summaries[i] end
  data.summaries = by_key
  return data
end

-- Merges signature files into one (shards must be distinct); names maps a
-- path read to the name the user gave it (a pipe read to a temporary file).
function shards.merge(paths, out, names)
  local merged = { items = {}, keys = {}, summaries = {} }
  for _, file in ipairs(paths) do
    local path = names and names[file] or file -- the name the user gave
    local d, err = shards.read(file)
    if not d then fail("stet merge: " .. (path ~= file and path .. err:sub(#file + 1) or err)) end
    if merged.near and d.near ~= merged.near then
      fail(("stet merge: %s was made with --near %s, the others with %s"):format(path, d.near, merged.near))
    end
    merged.near = d.near
    for shard, n in pairs(d.items) do
      if merged.items[shard] then fail(("stet merge: shard %d appears twice (%s)"):format(shard, path)) end
      merged.items[shard] = n
    end
    for _, k in ipairs(d.keys) do
      merged.keys[#merged.keys + 1] = k
      merged.summaries[k] = d.summaries[k]
    end
  end
  table.sort(merged.keys)
  shards.write(out, merged)
  local n = 0
  for _ in pairs(merged.items) do n = n + 1 end
  return n, #merged.keys
end

return shards
