-- stet.readers: the first stage of the pipeline. Turns the paths a user gives
-- (files, folders, "-" for standard input) into a stream of raw documents, in
-- an order that depends only on the input.
--
--   for doc in readers.each({ "corpus/", "extra.jsonl.gz" }, opts) do ... end
--
-- A document is
--   { id = "axios/0001", source = "corpus/axios/0001.txt", line = N (JSONL),
--     text = "...", url =, site =, title =, date = (strings, JSONL only),
--     meta = { other JSONL fields }, bytes = raw byte count,
--     folder = name of the folder holding the file (nil for stdin) }
-- and a rejected input is
--   { reject = "reason", source = path, line = N or nil, raw = line or nil,
--     id = best id }
-- The iterator never raises on bad input: unreadable files, broken
-- compressed streams and bad JSONL lines come out as rejects, in order.
--
-- Folders are walked recursively, entries sorted bytewise, hidden entries
-- (a leading ".") skipped, only regular files read. `.jsonl`/`.ndjson`
-- (optionally `.gz`/`.zst`) are JSON Lines; any other file is one plain text
-- document. Compression is recognised by magic bytes (core/decompress.c).
-- Large files are streamed in 1 MB blocks. All state lives in the iterator,
-- so several iterators (or Lua states) never share anything.

local core = require "stet.core"
local cjson = require "cjson"

local byte, find, sub, match, format = string.byte, string.find, string.sub, string.match, string.format
local concat = table.concat

local readers = {}

local BLOCK = 1024 * 1024       -- read size for streaming
local SNIFF_BINARY = core._sniff_binary -- NUL bytes in this prefix mean "binary file"
local KNOWN = { id = true, url = true, site = true, title = true, date = true }

readers.BLOCK = BLOCK

-- Is the file JSON Lines by its name (after any compression suffix)?
-- "axios/0001.txt.gz" -> "axios/0001": compression suffix and one extension.
-- (core/lua_paths.c)
local is_jsonl_name, without_extension = core.is_jsonl_name, core.without_extension
readers.is_jsonl_name = is_jsonl_name
readers.without_extension = without_extension

-- The name of the folder holding the file at path, or nil (standard input,
-- a bare file name, "." or ".."). root (optional) is the folder the walk
-- started from; it names the site when the path has no folder part.
function readers.site_of_path(path, root)
  if path == nil or path == "-" then return nil end
  local slash = match(path, "^.*()/")
  local dir = slash and sub(path, 1, slash - 1) or root
  if dir == nil then return nil end
  while byte(dir, -1) == 47 do dir = sub(dir, 1, -2) end
  slash = match(dir, "^.*()/")
  local name = slash and sub(dir, slash + 1) or dir
  if name == "" or name == "." or name == ".." then return nil end
  return name
end

-- JSON numbers arrive as floats from lua-cjson: 12345.0 -> "12345".
local function number_id(v)
  local i = math.tointeger(v)
  if i then return format("%d", i) end
  if v == math.floor(v) and v == v and v ~= math.huge and v ~= -math.huge then
    return format("%.0f", v)
  end
  return tostring(v)
end

------------------------------------------------------------------------------
-- Streams: a reader (stet.open, or any object with :read(n)) plus a buffer
-- from which lines are cut.

local function new_stream(r, owned, block)
  return { r = r, owned = owned, block = block, buf = "", pos = 1, eof = false, err = nil }
end

local function close_stream(st)
  if st.owned and st.r then st.r:close() end
  st.r = nil
end

-- The next block from the reader: chunk | nil (end) | nil, err. The end
-- and an error are sticky.
local function read_block(st)
  if st.eof then return nil, st.err end
  local chunk, err = st.r:read(st.block)
  if chunk == nil then
    st.eof = true
    if err then st.err = tostring(err) end
    return nil, st.err
  end
  return chunk
end

-- The next line without its "\n": line | nil at the end | partial, err when
-- the stream broke (partial may be nil). Long lines are gathered in pieces,
-- so a line spanning many blocks costs linear time.
local function next_line(st)
  local buf, pos = st.buf, st.pos
  local nl = find(buf, "\n", pos, true)
  if nl then
    st.pos = nl + 1
    return sub(buf, pos, nl - 1)
  end
  local rest = sub(buf, pos)
  local pieces
  while true do
    local chunk, err = read_block(st)
    if chunk == nil then
      st.buf, st.pos = "", 1
      if pieces then
        pieces[#pieces + 1] = rest
        rest = concat(pieces)
      end
      if err then return (rest ~= "" and rest or nil), err end
      if rest ~= "" then return rest end
      return nil
    end
    nl = find(chunk, "\n", 1, true)
    if nl then
      st.buf, st.pos = chunk, nl + 1
      if pieces then
        pieces[#pieces + 1] = rest
        pieces[#pieces + 1] = sub(chunk, 1, nl - 1)
        return concat(pieces)
      end
      return rest .. sub(chunk, 1, nl - 1)
    end
    pieces = pieces or {}
    pieces[#pieces + 1] = rest
    rest = chunk
  end
end

-- Everything left in the stream: text | nil, err.
local function read_rest(st)
  local parts = { sub(st.buf, st.pos) }
  st.buf, st.pos = "", 1
  while true do
    local chunk, err = read_block(st)
    if chunk == nil then
      if err then return nil, err end
      return concat(parts)
    end
    parts[#parts + 1] = chunk
  end
end

-- Buffers input until the first line holding a non-space byte is complete
-- (or the input ends), without consuming it. Returns that line (nil when
-- the input is blank) and the read error, if one happened.
local function peek_first_line(st)
  local parts = { sub(st.buf, st.pos) }
  local seen = find(parts[1], "%S")
  local done = seen and find(parts[1], "\n", seen, true)
  local err
  while not done do
    local chunk, e = read_block(st)
    if chunk == nil then
      err = e
      break
    end
    parts[#parts + 1] = chunk
    if seen then
      done = find(chunk, "\n", 1, true)
    else
      seen = find(chunk, "%S")
      done = seen and find(chunk, "\n", seen, true)
    end
  end
  local acc = concat(parts)
  st.buf, st.pos = acc, 1
  local s = find(acc, "%S")
  if not s then return nil, err end
  local nl = find(acc, "\n", s, true)
  local line_start = s
  while line_start > 1 and byte(acc, line_start - 1) ~= 10 do line_start = line_start - 1 end
  return sub(acc, line_start, nl and nl - 1 or #acc), err
end

------------------------------------------------------------------------------
-- Documents

local function reject(reason, file, line, raw, id)
  return { reject = reason, source = file.source, line = line, raw = raw, id = id }
end

-- One JSONL line -> document | reject | nil (blank line).
local function line_doc(ctx, file, line, lineno)
  if lineno == 1 and sub(line, 1, 3) == "\239\187\191" then line = sub(line, 4) end
  if byte(line, -1) == 13 then line = sub(line, 1, -2) end
  if not find(line, "%S") then return nil end
  local fallback_id = file.id_base .. ":" .. lineno
  if not find(line, "^%s*{") then
    return reject("not a JSON object", file, lineno, line, fallback_id)
  end
  local ok, rec = pcall(ctx.json.decode, line)
  if not ok then
    return reject("invalid JSON: " .. tostring(rec), file, lineno, line, fallback_id)
  end
  if type(rec) ~= "table" then
    return reject("not a JSON object", file, lineno, line, fallback_id)
  end
  local tf = ctx.text_field
  local text = rec[tf]
  local id = rec.id
  if type(id) == "number" then id = number_id(id)
  elseif type(id) ~= "string" or id == "" then id = nil end
  if text == nil or text == cjson.null then
    return reject("missing text field '" .. tf .. "'", file, lineno, line, id or fallback_id)
  end
  if type(text) ~= "string" then
    return reject("text field '" .. tf .. "' is not a string", file, lineno, line, id or fallback_id)
  end
  local meta = {}
  local doc = { id = id or fallback_id, source = file.source, line = lineno, text = text,
                bytes = #line, meta = meta, folder = file.folder }
  for k, v in pairs(rec) do
    if k ~= tf and not (k == "id" and id) then
      if KNOWN[k] and type(v) == "string" then
        if k ~= "id" then doc[k] = v end
      elseif not (KNOWN[k] and v == cjson.null) then
        meta[k] = v
      end
    end
  end
  return doc
end

-- The next run of whole lines of the stream, as they are there (joined
-- by "\n", without the last one's line end): what is buffered up to its
-- last line end, or more when that holds none. text | nil, err; on an
-- error, text is the part of a line read before it.
local last_newline = core._last_newline
local function next_lines(st)
  local buf, pos = st.buf, st.pos
  local cut = last_newline(buf, pos)
  if cut then
    st.pos = cut + 1
    return sub(buf, pos, cut - 1)
  end
  if st.r and st.r.read_lines and not st.eof then
    -- stet.open's reader keeps the start of the next line itself: each
    -- byte is copied once, into the lines it returns
    local prefix = pos <= #buf and sub(buf, pos) or nil
    st.buf, st.pos = "", 1
    local lines, err = st.r:read_lines(st.block, prefix, st.sink)
    if lines == nil or err then
      st.eof = true
      if err then st.err = tostring(err) end
    end
    return lines, st.err
  end
  local pieces = { sub(buf, pos) }
  while true do
    local chunk, err = read_block(st)
    if chunk == nil then
      st.buf, st.pos = "", 1
      local rest = concat(pieces)
      if err then return (rest ~= "" and rest or nil), err end
      if rest ~= "" then return rest end
      return nil
    end
    cut = last_newline(chunk, 1)
    if cut then
      st.buf, st.pos = chunk, cut + 1
      pieces[#pieces + 1] = sub(chunk, 1, cut - 1)
      return concat(pieces)
    end
    pieces[#pieces + 1] = chunk
  end
end

-- A producer of JSONL documents from an open stream. With ctx.chunk_json
-- (and defer_json), runs of lines come out as one item (see readers.open).
local count_lines = core._count_lines
local function jsonl_producer(ctx, file, st)
  local lineno = 0
  local done = false
  local chunked = ctx.chunk_json and ctx.defer_json
  -- with chunk_ranges, a run of a plain file's lines comes out as where it
  -- is in the file, which a worker reads (stet._read_range)
  local ranged = chunked and ctx.chunk_ranges and file.source ~= "-" and st.r:size() ~= nil
  -- with chunk_sink, the lines come in a buffer the reader fills in place
  -- (reader:read_lines with a sink), valid until the next item
  if chunked and ctx.chunk_sink then st.sink = core._sink() end
  return function()
    while ranged and not done do
      local at, len, texts, bytes, lines, nl = st.r:scan_lines(st.block)
      if at == nil then
        done = true
        close_stream(st)
        if len == nil then return nil end
        -- (on an error, len is the message and texts the line read so far)
        return reject(len, file, lineno + 1, texts, file.id_base .. ":" .. (lineno + 1))
      end
      local first = lineno + 1
      lineno = lineno + lines
      if texts > 0 then
        return { range = file.source, at = at, len = len, nl = nl, lines = lines, lineno = first,
                 count = texts, source = file.source, id_base = file.id_base, folder = file.folder,
                 bytes = bytes }
      end
    end
    while not done do
      -- a run of lines, or one line
      local got, err
      if chunked then got, err = next_lines(st) else got, err = next_line(st) end
      if err or got == nil then
        done = true
        close_stream(st)
        if not err then return nil end
        return reject(err, file, lineno + 1, got, file.id_base .. ":" .. (lineno + 1))
      end
      if chunked then
        local texts, bytes, lines = count_lines(got)
        local first = lineno + 1
        lineno = lineno + lines
        if texts > 0 then
          return { block = got, lineno = first, count = texts, source = file.source,
                   id_base = file.id_base, folder = file.folder, bytes = bytes }
        end
      else
        lineno = lineno + 1
        if ctx.defer_json then
          if find(got, "%S") then
            return { deferred = got, lineno = lineno, source = file.source, id_base = file.id_base,
                     folder = file.folder, bytes = #got }
          end
        else
          local doc = line_doc(ctx, file, got, lineno)
          if doc then return doc end
        end
      end
    end
    return nil
  end
end

-- The document of a text file's contents (or a reject: the read failed
-- with err, or the text holds a NUL byte early on, a binary file).
local function text_doc(file, text, err)
  if not text then return reject(err, file, nil, nil, file.id_base) end
  local nul = find(text, "\0", 1, true)
  if nul and nul <= SNIFF_BINARY then
    return reject("binary file", file, nil, nil, file.id_base)
  end
  return { id = file.id_base, source = file.source, text = text, bytes = #text, meta = {},
           folder = file.folder }
end

-- A producer of the single plain-text document of a stream.
local function text_producer(_, file, st)
  local done = false
  return function()
    if done then return nil end
    done = true
    local text, err
    if st.buf == "" and st.owned and st.r.read_all then
      text, err = st.r:read_all() -- one buffer of the file's size
    else
      text, err = read_rest(st)
    end
    close_stream(st)
    return text_doc(file, text, err)
  end
end

-- Does the first non-blank line look like a JSON object?
local function sniff_jsonl(ctx, line)
  if line == nil or not find(line, "^[%s\239\187\191]*{") then return false end
  line = line:gsub("^\239\187\191", ""):gsub("\r$", "")
  local ok, v = pcall(ctx.json.decode, line)
  return ok and type(v) == "table"
end

-- Reads the start of the open reader r (standard input, a pipe) up to the
-- end of its first line that is not blank, and tells its format as stet
-- clean does when --input is not given: "jsonl" or "text", the bytes read
-- (which come first in the stream) | nil, err. For commands that read a
-- stream in C after the sniff (stet hash).
function readers.sniff_stream(r)
  local st = new_stream(r, false, BLOCK)
  local first, err = peek_first_line(st)
  if err then return nil, err end
  return sniff_jsonl({ json = cjson.new() }, first) and "jsonl" or "text", st.buf
end

-- The bytes a walk's size stands for: a folder walk leaves a regular
-- file's size unknown (-1: the file system's entry type said what it is,
-- no stat was needed), and what is read then counts.
local function known(size)
  return size and size > 0 and size or 0
end

-- The document of a text file (one C call to read it), or a reject.
-- file.size, from the walk's stat, saves the reader a stat of its own.
local function load_text(file)
  return text_doc(file, core.read_file(file.source, file.size))
end

-- Opens one file (or stdin) and returns a producer, or a reject.
local function open_file(ctx, file)
  if not file.stream and not is_jsonl_name(file.source) then
    return function()
      if file.done then return nil end
      file.done = true
      if ctx.defer_text then
        return { path = file.source, folder = file.folder, id_base = file.id_base, bytes = known(file.size) }
      end
      return load_text(file)
    end
  end
  local r, err, owned
  if file.source == "-" then
    if ctx.stdin then r, owned = ctx.stdin, false
    else r, err = core.open("-"); owned = true end
  else
    r, err = core.open(file.source)
    owned = true
  end
  if not r then return nil, reject(err, file, nil, nil, file.id_base) end
  local st = new_stream(r, owned, ctx.block)
  local kind
  if file.stream and not is_jsonl_name(file.source) then
    kind = ctx.input
    if kind == nil then
      local first, perr = peek_first_line(st)
      if perr and first == nil then
        close_stream(st)
        return nil, reject(perr, file, nil, nil, file.id_base)
      end
      kind = sniff_jsonl(ctx, first) and "jsonl" or "text"
    end
  else
    kind = is_jsonl_name(file.source) and "jsonl" or "text"
  end
  if kind == "jsonl" then return jsonl_producer(ctx, file, st) end
  return text_producer(ctx, file, st)
end

------------------------------------------------------------------------------
-- The walk over the given paths.

local function join(dir, name)
  if sub(dir, -1) == "/" then return dir .. name end
  return dir .. "/" .. name
end

-- The next file to read ({ source, id_base, folder }), a reject, or nil.
local function next_file(it)
  local stack = it.stack
  while true do
    local top = stack[#stack]
    if top then
      top.i = top.i + 1
      local name = top.names[top.i]
      if name == nil then
        stack[#stack] = nil
      elseif byte(name, 1) ~= 46 then -- not hidden
        local path = join(top.dir, name)
        local rel = top.rel and (top.rel .. "/" .. name) or name
        local kind, size = top.kinds[top.i], top.sizes[top.i]
        if kind == "file" then
          -- the folder name is the same for every file of top.dir
          local folder = top.folder
          if folder == nil then
            folder = readers.site_of_path(path, top.root) or false
            top.folder = folder
          end
          return { source = path, id_base = without_extension(rel), size = size,
                   folder = folder or nil }
        elseif kind == "dir" then
          local _, _, ident = core.stat(path)
          local loop = false
          for k = 1, #stack do
            if stack[k].ident == ident then loop = true end
          end
          if not loop then
            local names, kinds, sizes = core.listdir(path, "kinds")
            if not names then
              return { reject = kinds, source = path, id = rel }
            end
            stack[#stack + 1] = { dir = path, rel = rel, root = top.root, names = names, kinds = kinds,
                                  sizes = sizes, i = 0, ident = ident }
          end
        end
      end
    else
      it.pi = it.pi + 1
      local p = it.paths[it.pi]
      if p == nil then return nil end
      if p == "-" then return { source = "-", id_base = "-", stream = true } end
      local kind, size, ident = core.stat(p)
      if kind == nil then
        return { reject = size, source = p, id = p }
      elseif kind == "dir" then
        local names, kinds, sizes = core.listdir(p, "kinds")
        if not names then return { reject = kinds, source = p, id = p } end
        stack[1] = { dir = p, rel = nil, root = p, names = names, kinds = kinds, sizes = sizes, i = 0,
                     ident = ident }
      else -- a pipe given by name (a FIFO, `<(zcat x.jsonl.gz)`) is read as stdin is (stream)
        return { source = p, id_base = p, size = size, folder = readers.site_of_path(p),
                 stream = kind == "other" or nil }
      end
    end
  end
end

-- With ctx.chunk_text, the plain text file `file` and the plain text files
-- that follow it in the same folder listing come out as one item:
--   { paths = {}, id_bases = {}, sizes = {}, folder, bytes = their sizes }
-- (at most CHUNK_FILES files or about CHUNK_BYTES bytes; a size of -1 is
-- unknown and counts as 0).
local CHUNK_FILES, CHUNK_BYTES = 256, 1 << 20
local function text_chunk(it, file)
  local paths, ids, sizes, bytes
  local top = it.stack[#it.stack]
  if top then -- the folder listing file came from: take what follows it
    paths, ids, sizes, bytes = core._text_chunk(top, CHUNK_FILES, CHUNK_BYTES, file.source,
      file.id_base, file.size or -1, known(file.size))
  else
    paths, ids, sizes, bytes = { file.source }, { file.id_base }, { file.size or -1 }, known(file.size)
  end
  return { paths = paths, id_bases = ids, sizes = sizes, folder = file.folder, bytes = bytes }
end

-- readers.open(paths, opts) -> iterator returning documents and rejects,
-- then nil. paths: a string or an array of strings. opts:
--   text_field = "text"          the JSONL field holding the document text
--   input      = "text"|"jsonl"  format of standard input (else sniffed)
--   stdin      = reader          what "-" reads (default stet.open("-")):
--                                any object with :read(n) -> string|nil[, err]
--   block      = 1048576         bytes per read (tests use small blocks)
--   defer_json, defer_text       leave JSON lines undecoded and text files
--                                unread (readers.decode, readers.load)
--   chunk_text                   with defer_text: consecutive text files of
--                                a folder as one item (text_chunk above)
--   chunk_json                   with defer_json: consecutive lines of a
--                                JSONL file as one item, { block, lineno,
--                                count, source, id_base, folder, bytes }:
--                                the lines as read (about a block), the
--                                first one's number, how many are not
--                                blank (documents) and their bytes
--   chunk_ranges                 with chunk_json: for a plain JSONL file,
--                                { range = path, at, len, nl, lines, ... }
--                                in place of block: the lines are the len
--                                bytes at offset at (reader:scan_lines),
--                                for stet._read_range to read in a worker
--   chunk_sink                   with chunk_json: the block of an item is a
--                                sink (stet._sink) that the next item's
--                                read refills, not a string: for a caller
--                                that is done with each item before it
--                                asks for the next
function readers.open(paths, opts)
  opts = opts or {}
  if type(paths) == "string" then paths = { paths } end
  assert(type(paths) == "table", "readers.open: paths must be a string or an array of strings")
  local tf = opts.text_field or "text"
  assert(type(tf) == "string", "readers.open: text_field must be a string")
  assert(opts.input == nil or opts.input == "text" or opts.input == "jsonl",
    "readers.open: input must be \"text\" or \"jsonl\"")
  local json = cjson.new()
  json.decode_invalid_numbers(false)
  local block = opts.block or BLOCK
  assert(math.type(block) == "integer" and block > 0, "readers.open: block must be a positive integer")
  local ctx = { text_field = tf, input = opts.input, stdin = opts.stdin, json = json, block = block,
                defer_json = opts.defer_json, defer_text = opts.defer_text,
                chunk_text = opts.defer_text and opts.chunk_text,
                chunk_json = opts.defer_json and opts.chunk_json,
                chunk_ranges = opts.defer_json and opts.chunk_json and opts.chunk_ranges,
                chunk_sink = opts.defer_json and opts.chunk_json and opts.chunk_sink }
  local it = { paths = paths, pi = 0, stack = {} }
  local produce -- the current file's producer
  return function()
    while true do
      if produce then
        local doc = produce()
        if doc then return doc end
        produce = nil
      end
      local file = next_file(it)
      if file == nil then return nil end
      if file.reject then return file end
      if ctx.chunk_text and not file.stream and not is_jsonl_name(file.source) then
        return text_chunk(it, file)
      end
      local p, rej = open_file(ctx, file)
      if rej then return rej end
      produce = p
    end
  end
end

-- With opts.defer_json, JSON Lines come out undecoded, as
--   { deferred = line, lineno, source, id_base, folder, bytes }
-- (blank lines already skipped), so that worker threads can decode them:
-- readers.decode(item [, opts]) -> document or reject, exactly what the
-- iterator would have yielded. opts.text_field as for open.
local decode_ctx = {} -- per text field name
function readers.decode(item, opts)
  local tf = opts and opts.text_field or "text"
  local ctx = decode_ctx[tf]
  if not ctx then
    local json = cjson.new()
    json.decode_invalid_numbers(false)
    ctx = { text_field = tf, json = json }
    decode_ctx[tf] = ctx
  end
  local file = { source = item.source, id_base = item.id_base, folder = item.folder }
  return line_doc(ctx, file, item.deferred, item.lineno)
end

-- With opts.defer_text, a text file comes out unread, as
--   { path, folder, id_base, bytes = its size on disk }
-- and readers.load(item) -> document or reject reads it, exactly what the
-- iterator would have yielded (bytes then counts the text read).
function readers.load(item)
  return load_text({ source = item.path, id_base = item.id_base, folder = item.folder,
                     size = item.bytes ~= 0 and item.bytes or nil })
end

-- for doc in readers.each(paths, opts) do ... end (the same iterator).
readers.each = readers.open

return readers
