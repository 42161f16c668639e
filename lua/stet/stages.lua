-- stet.stages: what stet.pipeline does to one document, a chunk of text
-- files or a batch of spilled documents, in whichever Lua state runs it
-- (the main one, or a worker's). Nothing here touches the run's shared
-- state: results go back to the caller.
--
--   stage1(item, index, ctx)     pass 1 of an input item: a summary for the
--                                decisions (spilled), or a reject table
--   stage1_chunk(chunk, ctx)     the same for a chunk of text files; the
--                                lane (core/lua_lane.c) takes what it can
--   stage2(item, decision, ctx)  pass 2: boilerplate, fate, record
--   stage2_batch(job, ctx[, file[, sink]]) pass 2 of a batch of spilled
--                                documents, as counts and records (or
--                                records written to file, or put in sink);
--                                the lane again
--   spill(doc, sp), unspill(sp, off, len), finish(doc, decision, ctx)
--   process_item(item, ctx)      an item read and run through its rule
--   write(file, s)               file:write(s), raising "writing the output:
--                                reason" when it fails (a full disk)

local stet = require "stet"
local readers = require "stet.readers"
local document = require "stet.document"

local stages = {}

-- Writes s to the output file; a failed write raises "writing the output:
-- reason" (as the C writers do), which stet.pipeline turns into the
-- command's error: a full disk must not end a run as if it had succeeded.
function stages.write(file, s)
  local ok, err = file:write(s)
  if not ok then error("writing the output: " .. tostring(err), 0) end
end

-- The built-in jsonl and text formats, whose records the lane writes in C.
local JSONL = require "stet.formats.jsonl"
local TEXT = require "stet.formats.text"
local json = require "stet.json"

-- Pass 1 summary of one processed document.
-- fps: the kept paragraphs' fingerprints packed 8 bytes each (see
-- doc:summary in core/lua_document.c).
local function summarize(doc, index, ctx)
  local _, body_len, fps, body_fp, sig
  if ctx.near and ctx.near > 0 then
    local mh = ctx.minhash or {}
    _, body_len, fps, body_fp, sig = doc._d:summary(mh.shingle or 5, mh.hashes)
  else
    _, body_len, fps, body_fp = doc._d:summary()
  end
  return {
    index = index, id = doc.id, source = doc.source, site = doc.site or "", rule = doc.rule.name,
    title = doc.title, date = doc.date, authors = (doc.authors and #doc.authors > 0) and doc.authors or nil,
    fps = fps,
    body_len = body_len, body_fp = body_fp, sig = sig,
  }
end

-- Marks boilerplate paragraphs of a processed document.
local function apply_boilerplate(doc, counter, threshold)
  if not counter or not threshold or threshold <= 0 then return end
  doc._d:boilerplate(counter, doc.site or "", threshold)
  if rawget(doc, "paragraphs") then doc.paragraphs = doc._d:tables() end
end
stages.apply_boilerplate = apply_boilerplate

-- Builds the output record of a processed document. A format that asks for
-- json_text (stet.formats) gets text_json, and text only if it reads it.
local LAZY_TEXT = {
  __index = function(r, k)
    if k == "text" then
      local text = r._d:body()
      rawset(r, "text", text)
      return text
    end
  end,
}
local function record_of(doc, decision, json_text)
  local text, text_json, nkept, r
  if json_text then
    text_json, nkept = doc._d:body_json()
  else
    text, nkept = doc._d:body()
  end
  r = {
    id = doc.id, site = doc.site, source = doc.source, title = doc.title, date = doc.date,
    authors = doc.authors or {}, text = text, text_json = text_json, dup_of = nil, meta = doc.meta or {},
  }
  if json_text then
    r._d = doc._d
    setmetatable(r, LAZY_TEXT)
  end
  if decision then
    if decision.dup_of then
      r.dup_of = decision.dup_of
    else
      r.title = r.title or decision.title
      r.date = r.date or decision.date
      if #r.authors == 0 and decision.authors then r.authors = decision.authors end
    end
  end
  return r, nkept
end

-- Counts the paragraphs of a processed document by fate into r.labels
-- (label -> n), r.read and r.kept; `fate` "written" counts kept paragraphs
-- as kept, anything else labels them with it.
local function count_paragraphs_into(r, doc, fate)
  r.read, r.kept, r.labels = doc._d:tally(fate)
end

-- Decodes a deferred JSON line and processes the document. Returns doc, or
-- nil and a reject table.
-- A text file the reader left unread (item.path) is read here, on the
-- worker; the bytes it really held replace the reader's estimate (its size
-- on disk) through bytes_fix, which the caller puts in its result.
-- document.run, with a rule's runtime error as the reason (a usage error
-- from a rule file goes on up). Returns doc, or nil and the reason.
local function run_document(raw, ctx, d, rule, site)
  local ok, doc, err = pcall(document.run, raw, ctx, d, rule, site)
  if ok then return doc, err end
  if type(doc) == "table" then error(doc, 0) end
  return nil, tostring(doc)
end

-- A text file, plain or compressed, goes from the disk to a C document
-- without its text becoming a Lua string (stet._doc_file); anything else
-- about it (unreadable, binary, a broken stream) is left to the general
-- way.
-- The rule and site of a text file, by its folder: { rule, site, plan }
-- (plan: the rule's lane plan, made when first asked for).
local function folder_rule(item, ctx)
  local folder = item.folder or false
  local rs = ctx.rule_of_folder
  if not rs then
    rs = {}
    ctx.rule_of_folder = rs
  end
  local r = rs[folder]
  if not r then
    local rule, site = ctx.registry:resolve({ folder = item.folder }, ctx.site)
    r = { rule = rule, site = site }
    rs[folder] = r
  end
  return r
end

local function process_file(item, ctx)
  local r = folder_rule(item, ctx)
  local rule, site = r.rule, r.site
  -- (a size of 0 may be unknown: then the reader finds it)
  local d, bytes = stet._doc_file(item.path, item.bytes ~= 0 and item.bytes or nil, ctx.normalize,
    rule.lines)
  if not d then return nil end
  local raw = { id = item.id_base, source = item.path, bytes = bytes, meta = {}, folder = item.folder }
  local doc, err = run_document(raw, ctx, d, rule, site)
  if not doc then
    return nil, { reject = err, id = raw.id, source = raw.source, raw = stet.read_file(item.path),
                  bytes_fix = bytes - (item.bytes or 0) }
  end
  if bytes ~= item.bytes then doc.bytes_fix = bytes - (item.bytes or 0) end
  return doc
end

local function process_item(item, ctx)
  local raw = item
  if item.deferred then raw = readers.decode(item, ctx.reader)
  elseif item.path then
    local doc, rej = process_file(item, ctx)
    if doc or rej then return doc, rej end
    raw = readers.load(item)
  end
  if raw.reject then
    return nil, { reject = raw.reject, id = raw.id, source = raw.source, line = raw.line, raw = raw.raw,
                  bytes_fix = item.path and -(item.bytes or 0) or nil }
  end
  local doc, err = run_document(raw, ctx)
  if not doc then
    return nil, { reject = err, id = raw.id, source = raw.source, line = raw.line, raw = raw.text,
                  bytes_fix = item.path and (raw.bytes - (item.bytes or 0)) or nil }
  end
  if item.path and raw.bytes ~= item.bytes then doc.bytes_fix = raw.bytes - (item.bytes or 0) end
  return doc
end

-- Stage 1 of one input item (any Lua state): a summary for the decisions,
-- { dropped = true }, or a reject table.
function stages.stage1(item, index, ctx)
  local doc, rej = process_item(item, ctx)
  if not doc then return rej end
  local s = doc.dropped and { dropped = true, fps = "" } or summarize(doc, index, ctx)
  s.bytes_fix = doc.bytes_fix
  if ctx.spill then
    -- pass 2 finds the document in the spill file at s.off
    s.off, s.len = stages.spill(doc, ctx.spill, ctx.lane and ctx.format == JSONL)
    doc._d:release() -- its buffers serve the next document
  end
  return s
end

-- Stage 1 of a chunk of text files of one folder (readers' chunk_text:
-- { paths, id_bases, sizes, folder }, chunk.index the first one's key).
-- Returns { chunk = n, blob, general }: the results of the first n files
-- (fewer than #paths when a SIGINT stopped it), those the lane took as
-- records in blob (core/lua_sumstore.c), the others as "G" in blob and
-- their stage-1 result in general[j]. The lane takes every file it can,
-- in runs (a plain text file whose rule needs Lua for no more than its
-- function matchers: core/lua_lane.c); the others go through
-- stages.stage1.
function stages.stage1_chunk(chunk, ctx)
  if chunk.block or chunk.range then return stages.stage1_lines(chunk, ctx) end
  local parts, general = {}, {}
  local paths, ids, sizes, first = chunk.paths, chunk.id_bases, chunk.sizes, chunk.index
  local plan, site
  if ctx.lane and ctx.spill then
    local r = folder_rule(chunk, ctx)
    plan, site = r.plan, r.site
    if plan == nil then
      plan = document.lane_plan(r.rule, ctx) or false
      r.plan = plan
    end
  end
  local k, n = 1, #paths
  while k <= n do
    if plan then
      local recs
      k, recs = plan:run_chunk(ctx.spill, paths, sizes, ids, site, first, k)
      if recs ~= "" then parts[#parts + 1] = recs end -- (with file, it wrote them)
      if k > n then break end
    end
    if stet.interrupted() then break end
    general[k] = stages.stage1({ path = paths[k], id_base = ids[k], bytes = math.max(sizes[k], 0),
                                 folder = chunk.folder },
      first + k - 1, ctx)
    parts[#parts + 1] = "G"
    k = k + 1
  end
  return { chunk = k - 1, blob = #parts == 1 and parts[1] or table.concat(parts), general = general }
end

-- The lane's pick for JSON lines (stet._jsonl_run): pick(site, url,
-- folder, date) -> the lane plan of the rule stet.registry resolves for a
-- document with those fields, its site and its date normalized; false when
-- the rule has no plan or the date does not normalize (the general way puts
-- it in meta). Plans by rule and dates by text are kept in ctx.
local function jsonl_pick(ctx)
  if ctx.jsonl_pick then return ctx.jsonl_pick end
  local plans, dates, ndates = {}, {}, 0
  local fields = {} -- one table for every line: resolve keeps nothing of it
  -- a site given (--site, else the line's) decides the rule alone
  -- (registry:resolve): its plan and name are kept by that site (for the
  -- last 4096 sites, as dates are: a crawl may give each page a site)
  local by_site, nsites = {}, 0
  ctx.jsonl_pick = function(site, url, folder, date)
    local named = ctx.site or site
    local plan, name
    local known = named and by_site[named]
    if known then
      plan, name = known[1], known[2]
    else
      fields.site, fields.url, fields.folder = site, url, folder
      local rule
      rule, name = ctx.registry:resolve(fields, ctx.site)
      plan = plans[rule]
      if plan == nil then
        plan = document.lane_plan(rule, ctx) or false
        plans[rule] = plan
      end
      if named then
        if nsites >= 4096 then by_site, nsites = {}, 0 end
        by_site[named], nsites = { plan, name }, nsites + 1
      end
    end
    if not plan then return false end
    local d = nil
    if date then
      d = dates[date]
      if d == nil then
        d = document.normalize_date(date, ctx) or false
        if ndates >= 4096 then dates, ndates = {}, 0 end
        dates[date], ndates = d, ndates + 1
      end
      if not d then return false end
    end
    return plan, name, d
  end
  return ctx.jsonl_pick
end

-- The fields stet.readers takes out of a JSON line besides its text: a
-- text field of one of these names leaves every line to the general way.
local LINE_FIELDS = { id = true, url = true, site = true, title = true, date = true }

-- Stage 1 of a chunk of JSON lines of one file (readers' chunk_json:
-- { block, lineno, count, source, id_base, folder }, chunk.index the
-- first one's key; or, with chunk_ranges, { range = path, at, len, nl,
-- lines, ... } in place of block: where the lines are in the file), as
-- stage1_chunk: the lane takes every line it can (stet._jsonl_run), in
-- runs; the others go through stages.stage1. Lines that changed in the
-- file since the reader counted them are rejected, each.
local BIG_RANGE = 16 << 20
function stages.stage1_lines(chunk, ctx)
  local parts, general = {}, {}
  local block, first = chunk.block, chunk.index
  if chunk.range then
    block = ctx.range_sink or stet._sink()
    -- (kept for the next range, unless a very long line made it big)
    ctx.range_sink = chunk.len <= BIG_RANGE and block or nil
    local ok, err = stet._read_range(block, chunk.range, chunk.at, chunk.len, chunk.nl,
      chunk.count, chunk.lines)
    if not ok then
      local why = ("%s (lines %d to %d)"):format(err, chunk.lineno, chunk.lineno + chunk.lines - 1)
      for t = 1, chunk.count do
        general[t] = { reject = why, source = chunk.source, id = chunk.id_base .. ":" .. chunk.lineno }
      end
      return { chunk = chunk.count, blob = ("G"):rep(chunk.count), general = general }
    end
  end
  local tf = ctx.reader and ctx.reader.text_field or "text"
  local file = { source = chunk.source, id_base = chunk.id_base, folder = chunk.folder, text_field = tf }
  local pick = ctx.lane and ctx.spill and not LINE_FIELDS[tf] and jsonl_pick(ctx)
  local pos, lineno, k = 0, chunk.lineno, 1
  while true do
    local recs, line, at
    pos, at, k, recs, line = stet._jsonl_run(ctx.spill, block, pos, lineno, first, k, file, pick)
    if recs ~= "" then parts[#parts + 1] = recs end
    if not line or stet.interrupted() then break end
    general[k] = stages.stage1({ deferred = line, lineno = at, source = chunk.source,
                                 id_base = chunk.id_base, folder = chunk.folder, bytes = #line },
      first + k - 1, ctx)
    parts[#parts + 1] = "G"
    k, lineno = k + 1, at + 1
  end
  return { chunk = k - 1, blob = #parts == 1 and parts[1] or table.concat(parts), general = general }
end

-- Appends a processed document to the spill file sp (stet._spill, or its
-- address in a worker) as pass 2 needs it: metadata and the C document
-- (its paragraphs, labels and fingerprints). Returns offset, length. With
-- jsonl (pass 2 writes the jsonl format, which the lane, core/lua_lane.c,
-- does in C), the authors and meta of a document not dropped are in the
-- head as the JSON the format writes (aj, mj), and as tables packed in x
-- for the general way (stages.unspill).
function stages.spill(doc, sp, jsonl)
  local authors = (doc.authors and #doc.authors > 0) and doc.authors or nil
  local meta = next(doc.meta) ~= nil and doc.meta or nil
  local head = { id = doc.id, source = doc.source, site = doc.site, title = doc.title, date = doc.date }
  if doc.dropped or not jsonl then
    head.authors, head.meta, head.dropped = authors, meta, doc.dropped
  elseif authors or meta then
    -- (as stet/formats/jsonl.lua writes them)
    head.aj, head.mj = authors and json.string_array(authors), meta and json.encode(meta)
    head.x = stet.pack({ authors = authors, meta = meta })
  end
  return doc._d:spill(sp, stet.pack(head))
end

-- The document stages.spill left at offset off, with its C document in
-- doc._d.
function stages.unspill(sp, off, len)
  local d, head = stet._doc_unspill(sp, off, len)
  local doc = stet.unpack(head)
  if doc.x then
    local x = stet.unpack(doc.x)
    doc.authors, doc.meta, doc.x, doc.aj, doc.mj = x.authors, x.meta, nil, nil, nil
  end
  doc._d = d
  return doc
end

-- Stage 2 of one input item (any Lua state): processes the document again,
-- drops boilerplate (ctx.counter), applies the decision and formats the
-- record. Returns { fate = kept|duplicate|dropped, reason, out, read, kept,
-- labels } or a reject table.
function stages.stage2(item, decision, ctx)
  local doc, rej
  if item.off then
    doc = stages.unspill(ctx.spill, item.off, item.len)
  else
    doc, rej = process_item(item, ctx)
    if not doc then return rej end
  end
  apply_boilerplate(doc, ctx.counter, ctx.boilerplate)
  local r = stages.finish(doc, decision, ctx)
  r.bytes_fix = doc.bytes_fix
  doc._d:release()
  return r
end

-- Stage 2 of a batch of spilled documents (any Lua state): job = { offs,
-- lens, decs } (decs[k] false for no decision). Returns the counts to add
-- to the stats, { n = documents done, fates, reasons, read, kept, labels },
-- and out, their records in order. n < #offs when a SIGINT stopped it.
-- With `file` (the output, for a run without workers), the records are
-- written there as they come instead, and agg.written says how many bytes;
-- with `sink` (a stet._sink(), for a worker), they are appended to it, and
-- agg.out is nil. The lane (core/lua_lane.c) takes every document it can,
-- in runs; the others go through stages.stage2.
function stages.stage2_batch(job, ctx, file, sink)
  local agg = { n = 0, fates = {}, reasons = {}, read = 0, kept = 0, labels = {}, file = file,
                written = file and 0 or nil, sink = sink }
  local offs, lens, decs = job.offs, job.lens, job.decs
  local parts = {}
  local lane = ctx.lane and (ctx.format == JSONL or ctx.format == TEXT)
  if lane and ctx.format == TEXT then
    -- (as stet/formats/text.lua writes them)
    local sep = ctx.format_opts and ctx.format_opts.separator or "\f"
    agg.text_sep = type(sep) == "string" and sep or nil
    lane = agg.text_sep ~= nil
  end
  local k, n = 1, #offs
  while k <= n do
    if lane then
      local recs
      k, recs = stet._lane2_run(ctx.spill, offs, lens, decs, k, ctx.counter, ctx.boilerplate,
        ctx.keep_dups, agg)
      if recs ~= "" then parts[#parts + 1] = recs end -- (with file, it wrote them)
      if k > n then break end
    end
    if stet.interrupted() then break end
    local r = stages.stage2({ off = offs[k], len = lens[k] }, decs[k] or nil, ctx)
    agg.n = k
    agg.fates[r.fate] = (agg.fates[r.fate] or 0) + 1
    if r.reason then agg.reasons[r.reason] = (agg.reasons[r.reason] or 0) + 1 end
    agg.read, agg.kept = agg.read + r.read, agg.kept + r.kept
    local labels = agg.labels
    for label, c in pairs(r.labels) do labels[label] = (labels[label] or 0) + c end
    if r.out then
      if file then
        stages.write(file, r.out)
        agg.written = agg.written + #r.out
      elseif sink then
        sink:put(r.out)
      else
        parts[#parts + 1] = r.out
      end
    end
    k = k + 1
  end
  agg.file, agg.sink, agg.text_sep = nil, nil, nil
  if not file and not sink then agg.out = #parts == 1 and parts[1] or table.concat(parts) end
  return agg
end

-- The fate, accounting and formatted record of a processed document.
function stages.finish(doc, decision, ctx)
  local r = { read = 0, kept = 0, labels = {} }
  local rec, kept = record_of(doc, decision, ctx.format.json_text)
  if doc.dropped then
    r.fate, r.reason = "dropped", doc.dropped
    count_paragraphs_into(r, doc, doc.dropped)
    return r
  end
  if rec.dup_of then
    r.fate = "duplicate"
    if not ctx.keep_dups then
      count_paragraphs_into(r, doc, "duplicate")
      return r
    end
  elseif kept == 0 then
    r.fate, r.reason = "dropped", "empty"
    count_paragraphs_into(r, doc, "empty")
    return r
  else
    r.fate = "kept"
  end
  count_paragraphs_into(r, doc, "written")
  r.out = ctx.format.write(rec, ctx.format_opts)
  return r
end

stages.process_item = process_item

return stages
