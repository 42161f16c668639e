-- stet.pipeline: the main job behind `stet clean`.
--
--   read -> normalize -> segment -> site rules -> fingerprints
--        -> boilerplate filter -> duplicates -> format -> write
--
-- With files as input it makes two passes. Pass 1 processes every document
-- (stet.document), leaves it in a spill file, and keeps, per document, only
-- what the decisions need: its site, metadata, the fingerprints of its kept
-- paragraphs, a body fingerprint and a MinHash signature. The decisions
-- (stet.decisions) find the duplicate clusters (exact by body fingerprint,
-- near by MinHash + LSH), pick one survivor per cluster, and count
-- paragraph fingerprints per site with each cluster counted once, so an
-- article scraped three times does not make its own paragraphs look like
-- boilerplate; most of that is built as pass 1 goes. Pass 2 loads each
-- document back from the spill file, drops boilerplate paragraphs and
-- writes the records in input order.
--
-- With a signatures file (`--signatures`, one shard of a corpus: see
-- stet.shards) the decisions come from the file's summaries, made first,
-- and the two passes run as above on the shard.
--
-- With standard input it makes one pass: boilerplate from a table file
-- (`--table`, made by `stet hash`) if given, duplicates as "seen before".
--
-- Accounting: every document read ends in exactly one of kept, duplicate,
-- dropped (with the reason) or rejected (with the reason); paragraphs read =
-- kept + the sum of dropped by label.

local stet = require "stet"
local readers = require "stet.readers"
local json = require "stet.json"
local decisions = require "stet.decisions"
local stages = require "stet.stages"
local counted = require("stet.args").count

local pipeline = {}

-- The stages of one document (stet.stages), as the pipeline's own.
pipeline.stage1, pipeline.stage1_chunk = stages.stage1, stages.stage1_chunk
pipeline.stage2, pipeline.stage2_batch = stages.stage2, stages.stage2_batch
pipeline.spill, pipeline.unspill, pipeline.finish = stages.spill, stages.unspill, stages.finish
pipeline.apply_boilerplate = stages.apply_boilerplate
pipeline.default_prefer = decisions.default_prefer
pipeline.clusters = decisions.clusters


function pipeline.new_stats()
  return {
    documents = { read = 0, kept = 0, duplicate = 0, dropped = 0, rejected = 0 },
    dropped_by = {}, rejected_by = {},
    paragraphs = { read = 0, kept = 0, dropped = {} },
    bytes = { read = 0, written = 0 },
    seconds = 0, interrupted = false,
  }
end

local function bump(t, k, n) t[k] = (t[k] or 0) + (n or 1) end

local progress = require "stet.progress"
local progress_line, clear_progress = progress.show, progress.clear

-- Counts a rejected document and writes it to the rejects file.
local function reject(ctx, stats, raw, reason)
  stats.documents.rejected = stats.documents.rejected + 1
  local where = raw.source or "-"
  if raw.line then where = where .. ":" .. raw.line end
  -- the kind of reject for the stats: the reason without its file name and
  -- details ("truncated gzip data", "invalid JSON", "rule error", ...)
  local kind = reason
  if raw.source and kind:sub(1, #raw.source + 2) == raw.source .. ": " then kind = kind:sub(#raw.source + 3) end
  kind = kind:match("^rule error") or kind:match("^([^:%(']-)%s*[:%(']") or kind
  if kind == "" then kind = "unreadable" end
  bump(stats.rejected_by, kind)
  if ctx.rejects then
    local ok, err = ctx.rejects:write(json.encode({ id = raw.id, source = raw.source, line = raw.line,
      reason = reason, raw = raw.raw or raw.text }, { "id", "source", "line", "reason", "raw" }), "\n")
    if not ok then error({ exit = 2, message = "stet clean: writing the rejects file: " .. tostring(err) }, 0) end
  end
  if ctx.strict then
    error({ exit = 2, message = ("stet clean: %s: %s"):format(where, reason) }, 0)
  end
end

-- Applies the stage-2 result of a document of standard input (one pass,
-- run_stream): accounting and output.
local function apply2(ctx, stats, r)
  if r.bytes_fix then stats.bytes.read = stats.bytes.read + r.bytes_fix end
  if r.reject then return reject(ctx, stats, r, r.reject) end
  local d = stats.documents
  d[r.fate] = d[r.fate] + 1
  if r.reason then bump(stats.dropped_by, r.reason) end
  local p = stats.paragraphs
  p.read = p.read + r.read
  p.kept = p.kept + r.kept
  local dropped = p.dropped
  for label, n in pairs(r.labels) do dropped[label] = (dropped[label] or 0) + n end
  if r.out then
    stages.write(ctx.out, r.out)
    stats.bytes.written = stats.bytes.written + #r.out
  end
end

-- Runs stage 1 over the input items in order, in this state or on the
-- worker pool, and hands each result to `apply(index, result)` in input
-- order (a chunk's to `apply_chunk`). `filter(index, item)` returns the job
-- for an item (the item itself, with the fields stage1 needs added: a flat
-- table packs faster), or nil to skip it. Reader rejects go to `on_reject`
-- directly. Counts what is read.
local BATCH_BYTES, BATCH_ITEMS = 1 << 20, 256
local function drive(ctx, stats, label, filter, on_reject, apply, apply_chunk)
  local pool = ctx.pool
  local batch, batch_bytes, batch_index = {}, 0, {}
  local function take()
    local results, err = pool:next()
    if not results then error("worker: " .. tostring(err), 0) end
    local idx = table.remove(ctx.inflight, 1)
    if ctx.stopped then return end
    local k = 1
    for _, r in ipairs(results) do
      if r.chunk then -- the results of r.chunk files (pipeline.stage1_chunk)
        apply_chunk(idx[k], r)
        k = k + r.chunk
      else
        apply(idx[k], r)
        k = k + 1
      end
    end
    -- a short batch means the workers stopped on SIGINT: apply nothing
    -- after the gap, so the output stays a prefix of the input order
    if k <= #idx then ctx.stopped = true end
  end
  local function flush()
    if #batch == 0 then return end
    if pool:pending() >= pool:capacity() then take() end
    pool:submit({ items = batch })
    ctx.inflight[#ctx.inflight + 1] = batch_index
    batch, batch_bytes, batch_index = {}, 0, {}
  end
  ctx.inflight = {}
  ctx.stopped = false
  ctx.done = 0
  ctx.pass_bytes = 0
  ctx.pass_started = stet.clock()
  local i = 0
  for item in readers.open(ctx.paths, ctx.reader) do
    -- a chunk of text files or JSON lines (readers' chunk_text,
    -- chunk_json) is count items
    local chunk = item.paths or item.block or item.range
    local count = item.paths and #item.paths or item.count or 1
    i = item.key or (i + 1)
    stats.documents.read = stats.documents.read + count
    stats.bytes.read = stats.bytes.read + (item.bytes or 0)
    ctx.pass_bytes = ctx.pass_bytes + (item.bytes or 0)
    if item.reject then
      on_reject(i, item)
    else
      local job = filter(i, item)
      if job then
        if pool then
          batch[#batch + 1] = job
          for t = i, i + count - 1 do batch_index[#batch_index + 1] = t end
          batch_bytes = batch_bytes + (item.bytes or 0)
          if batch_bytes >= BATCH_BYTES or #batch_index >= BATCH_ITEMS then flush() end
        elseif chunk then
          apply_chunk(i, pipeline.stage1_chunk(job, ctx))
        else
          apply(i, pipeline.stage1(job, job.index, ctx))
        end
      end
    end
    i = i + count - 1
    ctx.done = i
    if ctx.progress then progress_line(ctx, label) end
    if stet.interrupted() then
      stats.interrupted = true
      break
    end
  end
  if pool then
    flush()
    while pool:pending() > 0 do take() end
  end
  progress_line(ctx, label, true)
end

-- The key of the i-th input item: its index, offset by the shard number
-- (`--shard`), so that summaries of several shards merge in input order.
local function key_of(ctx, i)
  return (ctx.shard or 0) * (1 << 32) + i
end
pipeline.key_of = key_of

-- Pass 1: processes every document and returns the summaries (key ->
-- summary, rejects left out) and their keys in input order, plus the
-- number of items read.
-- The total size of paths when every one is a regular file (a folder
-- would need a walk), else nil.
function pipeline.files_size(paths)
  local total = 0
  for _, p in ipairs(paths) do
    local kind, size = stet.stat(p)
    if kind ~= "file" or not size then return nil end
    total = total + size
  end
  return total > 0 and total or nil
end

function pipeline.collect(ctx, stats)
  local base, n = key_of(ctx, 0), 0
  local counter
  if ctx.boilerplate and ctx.boilerplate > 0 and not ctx.signatures then
    counter = stet.counter()
    ctx.pass1_counter = counter
  end
  -- the summaries live in C (core/lua_sumstore.c), which counts their
  -- paragraphs as they come and builds the duplicate clusters (not for
  -- `stet signatures`, whose summaries are clustered after the merge);
  -- duplicate clusters are made to count once later
  local cluster = not ctx.signatures and not ctx.summaries_only and ctx.spill ~= nil
  local store = stet._sumstore(counter, cluster and ctx.near or 0, ctx.minhash and ctx.minhash.bands or 14)
  ctx.store, ctx.pass1_clusters = store, cluster or nil
  -- the counting table grows by what the bytes read so far project for
  -- the whole input (counter:work), when its size is known: from the
  -- progress line's walk, or the sizes of input files named as such
  local total = counter and (ctx.total_bytes or pipeline.files_size(ctx.paths))
  if total then counter:work(0, total) end
  local function work()
    if total then counter:work(math.min(ctx.pass_bytes, total), total) end
  end
  -- what a document read adds to the walk's size for it (a folder walk
  -- knows no sizes): the stats and the progress line count it
  local function fix_bytes(fix)
    stats.bytes.read = stats.bytes.read + fix
    ctx.pass_bytes = ctx.pass_bytes + fix
  end
  local function apply(i, r)
    n = math.max(n, i)
    if r.bytes_fix then
      fix_bytes(r.bytes_fix)
      r.bytes_fix = nil
    end
    if r.reject then
      reject(ctx, stats, r, r.reject)
    else
      work()
      store:add(base + i, r)
    end
  end
  drive(ctx, stats, ctx.pass1_label or "pass 1/2",
    function(i, item)
      item.index = base + i
      return item
    end,
    function(i, item)
      n = math.max(n, i)
      reject(ctx, stats, item, item.reject)
    end,
    apply,
    function(i, res) -- the results of a chunk (pipeline.stage1_chunk)
      local blob, general = res.blob, res.general
      local pos, t = 0, 1
      work()
      while pos < #blob do
        local done, fix, g
        pos, done, fix, g = store:add_run(blob, pos)
        fix_bytes(fix)
        t = t + done
        if g then apply(i + t - 2, general[t - 1]) end
      end
      n = math.max(n, i + res.chunk - 1)
    end)
  if total then counter:work(0, 0) end
  -- summaries[key] from the store, made when asked for
  local summaries = setmetatable({}, { __index = function(_, k) return store:get(k) end })
  return summaries, store:keys(), n
end

-- Adds the counts of a stage-2 batch (pipeline.stage2_batch) to stats.
local function merge2(stats, agg)
  local d = stats.documents
  for fate, n in pairs(agg.fates) do d[fate] = d[fate] + n end
  for reason, n in pairs(agg.reasons) do bump(stats.dropped_by, reason, n) end
  local p = stats.paragraphs
  p.read, p.kept = p.read + agg.read, p.kept + agg.kept
  local dropped = p.dropped
  for label, n in pairs(agg.labels) do dropped[label] = (dropped[label] or 0) + n end
end

-- Pass 2 over the documents pass 1 spilled, in input order, in batches
-- (pipeline.stage2_batch) on the worker pool or in this state; records go
-- to ctx.out in input order.
local function pass2(ctx, stats, decision)
  local base, store, pool = key_of(ctx, 0), ctx.store, ctx.pool
  local inflight = {} -- per batch in the pool: its last item index, size, bytes
  ctx.stopped, ctx.done, ctx.pass_bytes, ctx.pass_started = false, 0, 0, stet.clock()
  local function apply(agg, last, size, bytes)
    merge2(stats, agg)
    if agg.written then -- written to ctx.out already (no workers)
      stats.bytes.written = stats.bytes.written + agg.written
    elseif agg.out then
      stages.write(ctx.out, agg.out)
      stats.bytes.written = stats.bytes.written + #agg.out
    else -- a worker left the records in a sink of its own
      stet._sink_send(agg.records_at, ctx.out)
      stats.bytes.written = stats.bytes.written + agg.records_len
    end
    ctx.done, ctx.pass_bytes = last, ctx.pass_bytes + bytes
    -- a short batch means a SIGINT stopped the workers: nothing after it
    if agg.n < size then ctx.stopped = true end
  end
  local function take()
    local res, err = pool:next()
    if not res then error("worker: " .. tostring(err), 0) end
    local b = table.remove(inflight, 1)
    if not ctx.stopped then
      apply(res, b[1], b[2], b[3])
    elseif res.records_at then
      stet._sink_drop(res.records_at)
    end
  end
  local pos = 1
  while not ctx.stopped do
    local keys, offs, lens, bytes
    keys, offs, lens, pos, bytes = store:spilled(pos, BATCH_ITEMS, BATCH_BYTES)
    local j = #keys
    if j == 0 then break end
    local decs = {}
    for t = 1, j do decs[t] = decision[keys[t]] or false end
    local job = { pass = 2, counter = ctx.counter_address, offs = offs, lens = lens, decs = decs }
    local last = keys[j] - base
    if pool then
      if pool:pending() >= pool:capacity() then take() end
      pool:submit(job)
      inflight[#inflight + 1] = { last, j, bytes }
    else
      -- without workers, the records go straight to the output
      local direct = io.type(ctx.out) == "file" and ctx.out or nil
      apply(pipeline.stage2_batch(job, ctx, direct), last, j, bytes)
    end
    if ctx.progress then progress_line(ctx, "pass 2/2") end
    if stet.interrupted() then
      stats.interrupted = true
      break
    end
  end
  if pool then
    while pool:pending() > 0 do take() end
  end
  if ctx.stopped or stet.interrupted() then stats.interrupted = true end
  if ctx.progress then progress_line(ctx, "pass 2/2", true) end
end

-- The decisions from summaries: duplicate clusters, survivors, and the
-- paragraph counts (nil when the boilerplate filter is off). Sets
-- ctx.counter.
function pipeline.decide(summaries, keys, ctx)
  local clusters
  if ctx.pass1_clusters then -- built as pass 1 went (pipeline.collect)
    clusters = ctx.store:clusters()
    ctx.pass1_clusters = nil
  else
    local list = {}
    for _, k in ipairs(keys) do
      local s = summaries[k]
      if not s.dropped then list[#list + 1] = s end
    end
    clusters = decisions.clusters(list, ctx)
  end
  local decision = decisions.decide(summaries, clusters, ctx)
  local counter
  if ctx.boilerplate and ctx.boilerplate > 0 then
    if ctx.pass1_counter then -- counted as pass 1 went (pipeline.collect)
      counter = decisions.count_clusters_once(ctx.pass1_counter, summaries, clusters)
      ctx.pass1_counter = nil
    else
      counter = decisions.count_paragraphs(summaries, clusters, keys)
    end
    if ctx.table then counter:merge(ctx.table) end
  end
  ctx.counter = counter
  ctx.counter_address = counter and counter:address() or nil
  return decision, counter
end

-- Pass 1 and the decisions. Returns summaries, decisions, counter.
function pipeline.analyze(ctx, stats)
  local summaries, keys = pipeline.collect(ctx, stats)
  local decision, counter = pipeline.decide(summaries, keys, ctx)
  return summaries, decision, counter
end

local function write_header(ctx, stats)
  if ctx.format.header then
    local h = ctx.format.header(ctx.format_opts)
    stages.write(ctx.out, h)
    stats.bytes.written = stats.bytes.written + #h
  end
end

-- Two passes over files (or one, with decisions from a signatures file).
-- Returns stats.
local function run_files(ctx, stats)
  local decision
  local sig = ctx.signatures
  -- pass 1 spills every processed document to a temporary file
  -- (ctx.spill, made with the pool), so pass 2 reads them back instead of
  -- reading and processing the input again. With a signatures file the
  -- decisions come from it, made first; pass 1 only spills (and checks
  -- that the shard is the one the file describes)
  if sig then
    -- the file's records go into a store as pass 1's would (core/lua_sumstore.c:
    -- paragraphs counted, clusters made in C); once decided, it is let go
    -- before pass 1 fills a store of its own
    local function from_file()
      local counter = ctx.boilerplate and ctx.boilerplate > 0 and stet.counter() or nil
      local store = stet._sumstore(counter, ctx.near or 0, ctx.minhash and ctx.minhash.bands or 14)
      require("stet.shards").fill(sig, store)
      ctx.store, ctx.pass1_clusters, ctx.pass1_counter = store, true, counter
      return pipeline.decide(setmetatable({}, { __index = function(_, k) return store:get(k) end }),
        store:keys(), ctx)
    end
    decision = from_file()
    ctx.store = nil
    collectgarbage("collect")
    local _, _, n = pipeline.collect(ctx, stats)
    if not (stats.interrupted or stet.interrupted()) then
      local want = sig.items[ctx.shard or 0]
      if want ~= n then
        error({ exit = 2, message = ("stet clean: the signatures hold %s documents for shard %d, this input has %d")
          :format(want and tostring(want) or "no", ctx.shard or 0, n) }, 0)
      end
    end
  else
    decision = select(2, pipeline.analyze(ctx, stats))
  end
  if stats.interrupted or stet.interrupted() then
    stats.interrupted = true
    return stats
  end
  write_header(ctx, stats)
  ctx.total_items = stats.documents.read
  pass2(ctx, stats, decision)
  return stats
end

-- One pass over a stream. Returns stats.
local function run_stream(ctx, stats)
  local seen_body, sigs, ids = {}, {}, {}
  local lsh = (ctx.near and ctx.near > 0) and stet.lsh({ threshold = ctx.near }) or nil
  local n = 0
  ctx.done = 0
  ctx.pass_bytes = 0
  write_header(ctx, stats)
  for item in readers.open(ctx.paths, ctx.reader) do
    n = n + 1
    stats.documents.read = stats.documents.read + 1
    stats.bytes.read = stats.bytes.read + (item.bytes or 0)
    ctx.pass_bytes = stats.bytes.read
    if item.reject then
      reject(ctx, stats, item, item.reject)
    else
      local doc, rej = stages.process_item(item, ctx)
      if not doc then
        reject(ctx, stats, rej, rej.reject)
      else
        stages.apply_boilerplate(doc, ctx.table, ctx.boilerplate)
        local decision
        local text = doc._d:body()
        if not doc.dropped and text ~= "" then
          local bfp = stet.body_fingerprint(text)
          if seen_body[bfp] then
            decision = { dup_of = seen_body[bfp] }
          elseif lsh then
            local sig = stet.minhash(text, ctx.minhash)
            for _, c in ipairs(lsh:candidates(sig)) do
              if stet.similarity(sig, sigs[c]) >= ctx.near then
                decision = { dup_of = ids[c] }
                break
              end
            end
            if not decision then
              lsh:add(n, sig)
              sigs[n], ids[n] = sig, doc.id
            end
          end
          if not decision then seen_body[bfp] = doc.id end
        end
        apply2(ctx, stats, pipeline.finish(doc, decision, ctx))
      end
    end
    ctx.done = n
    progress_line(ctx, "clean")
    if stet.interrupted() then
      stats.interrupted = true
      break
    end
  end
  return stats
end

-- What a worker needs to build its own context (plain data, see stet.pack).
function pipeline.config(ctx)
  return {
    rules = ctx.rules_paths or {}, site = ctx.site, reference = ctx.reference,
    normalize = ctx.normalize, rule_instructions = ctx.rule_instructions,
    rule_memory = ctx.rule_memory, boilerplate = ctx.boilerplate, near = ctx.near,
    minhash = ctx.minhash, keep_dups = ctx.keep_dups, format = ctx.format_name,
    format_opts = ctx.format_opts, reader = { text_field = ctx.reader.text_field },
    spill = ctx.spill and ctx.spill:address(), lane = ctx.lane,
    records_out = io.type(ctx.out) == "file" or nil,
  }
end

-- The body of a worker thread: builds the context from the config and
-- returns the job handler (a batch of items in, results out; they cross
-- threads packed, see stet.pool).
function pipeline.worker(config)
  local cfg = stet.unpack(config)
  local ctx = {
    registry = require("stet.rules").registry(cfg.rules), site = cfg.site,
    reference = cfg.reference, normalize = cfg.normalize,
    rule_instructions = cfg.rule_instructions, rule_memory = cfg.rule_memory,
    boilerplate = cfg.boilerplate, near = cfg.near, minhash = cfg.minhash,
    keep_dups = cfg.keep_dups, format = require("stet.formats").load(cfg.format),
    format_opts = cfg.format_opts, reader = cfg.reader, spill = cfg.spill, lane = cfg.lane,
  }
  local view_address
  -- With records_out, a batch's records stay in a sink of this state that
  -- the main thread writes out (stet._sink_send) and lets go: no copy in
  -- between. A sink the main thread holds still is left alone; there are
  -- as many as batches of this worker in flight at once, each keeping the
  -- room of a usual batch's records (a batch of huge documents lets its go).
  local sinks = {}
  local function free_sink()
    for _, s in ipairs(sinks) do
      if not s:held() then
        s:clear(4 << 20)
        return s
      end
    end
    sinks[#sinks + 1] = stet._sink()
    return sinks[#sinks]
  end
  return function(j)
    if j.counter and j.counter ~= view_address then
      ctx.counter = stet._counter_view(j.counter)
      view_address = j.counter
    end
    if j.offs then -- a batch of spilled documents (pass2)
      local sink = cfg.records_out and free_sink()
      local agg = pipeline.stage2_batch(j, ctx, nil, sink or nil)
      if sink then agg.records_len, agg.records_at = sink:len(), sink:hold() end
      return agg
    end
    local out = {} -- a batch of pass 1 (drive)
    for _, it in ipairs(j.items) do
      -- on SIGINT, stop mid-batch: the main thread sees a short result
      if stet.interrupted() then break end
      if it.paths or it.block or it.range then -- the results of a chunk of files or lines
        local r = pipeline.stage1_chunk(it, ctx)
        out[#out + 1] = r
        if r.chunk < (it.paths and #it.paths or it.count) then break end
      else
        out[#out + 1] = pipeline.stage1(it, it.index, ctx)
      end
    end
    return out
  end
end

local WORKER_INIT = "return require('stet.pipeline').worker(...)"

-- The command's error (exit 2) for a failure of the spill file or of the
-- output, raised in this state or a worker's ("the spill file in DIR:
-- reason", core/lua_document.c; "writing the output: reason",
-- stages.write and the C writers); nil for any other error.
local function io_error(err, ctx)
  if type(err) ~= "string" then return nil end
  local what = err:match("the spill file in [^\n]*")
  if what then
    return { exit = 2, message = "stet clean: " .. what .. " (it holds every document between the two passes, " ..
      "about the input's size: --tmp-dir DIR or TMPDIR puts it in a folder with room)" }
  end
  what = err:match("writing the output: ([^\n]*)")
  if what then
    return { exit = 2, message = ("stet clean: writing %s: %s"):format(ctx.out_name or "the output", what) }
  end
  what = err:match("^format [^\n]*") or err:match("^worker: (format [^\n]*)") -- (stet.formats)
  if what then return { exit = 2, message = "stet clean: " .. what } end
  return nil
end

-- Runs the pipeline. ctx: { paths, reader = {input, text_field}, registry,
-- rules_paths, site, normalize, boilerplate, near, minhash, keep_dups,
-- strict, format, format_name, format_opts, out, rejects, table, progress,
-- rule_instructions, rule_memory, jobs, tmp_dir }. Returns stats. With files and
-- jobs > 1, documents are processed on that many worker threads; records
-- come out in input order and are byte-identical to a run with jobs = 1.
function pipeline.run(ctx)
  local stats = pipeline.new_stats()
  ctx.started = stet.clock()
  local streaming = false
  for _, p in ipairs(ctx.paths) do streaming = streaming or p == "-" end
  if ctx.signatures then streaming = false end
  if not streaming then
    local ok, sp = pcall(stet._spill, ctx.tmp_dir)
    if not ok then error(io_error(sp, ctx) or sp, 0) end
    ctx.spill = sp
  end
  -- STET_LANE=0 sends every document the general way (specs compare)
  ctx.lane = os.getenv("STET_LANE") ~= "0"
  if ctx.progress then ctx.total_bytes = progress.input_size(ctx.paths) end
  if not streaming then
    -- JSON lines are decoded and text files read where they are processed
    ctx.reader.defer_json = true
    ctx.reader.defer_text = true
    -- pass 1 of two takes text files and JSON lines by chunks
    -- (pipeline.stage1_chunk)
    ctx.reader.chunk_text = ctx.spill ~= nil
    ctx.reader.chunk_json = ctx.spill ~= nil
    if (ctx.jobs or 1) > 1 then
      ctx.pool = stet.pool(ctx.jobs, WORKER_INIT, stet.pack(pipeline.config(ctx)))
      -- the workers read the lines of plain JSONL files themselves: the
      -- reader says where they are
      ctx.reader.chunk_ranges = true
    else
      -- one thread takes each block of lines before the next is read:
      -- the reader fills one buffer in place (no string a block)
      ctx.reader.chunk_sink = true
    end
  end
  local ok, err = pcall(streaming and run_stream or run_files, ctx, stats)
  if ctx.pool then
    ctx.pool:close()
    ctx.pool = nil
  end
  if ctx.spill then
    ctx.spill:close()
    ctx.spill = nil
  end
  clear_progress(ctx)
  stats.seconds = stet.clock() - ctx.started
  if not ok then error(io_error(err, ctx) or err, 0) end
  if stats.interrupted then
    -- documents read but given no fate before the stop, so totals add up
    local d = stats.documents
    d.unfinished = d.read - d.kept - d.duplicate - d.dropped - d.rejected
  end
  return stats
end

-- One line for stderr.
function pipeline.summary(stats)
  local d, p = stats.documents, stats.paragraphs
  return ("%d read, %d kept, %d duplicate, %d dropped, %d rejected; %s, %d kept; " ..
    "%.1f MB in, %.1f MB out, %.2f s"):format(d.read, d.kept, d.duplicate, d.dropped, d.rejected,
    counted(p.read, "paragraph"), p.kept, stats.bytes.read / 1e6,
    stats.bytes.written / 1e6, stats.seconds)
end

-- The stats as JSON (DESIGN.md's shape, plus dropped_by and rejected_by).
function pipeline.stats_json(stats)
  local o = json.ordered
  return json.encode(o({
    documents = o(stats.documents, stats.documents.unfinished
      and { "read", "kept", "duplicate", "dropped", "rejected", "unfinished" }
      or { "read", "kept", "duplicate", "dropped", "rejected" }),
    dropped_by = stats.dropped_by, rejected_by = stats.rejected_by,
    paragraphs = o(stats.paragraphs, { "read", "kept", "dropped" }),
    bytes = o(stats.bytes, { "read", "written" }),
    seconds = stats.seconds, interrupted = stats.interrupted,
  }, { "documents", "paragraphs", "bytes", "seconds", "interrupted", "dropped_by", "rejected_by" })) .. "\n"
end

return pipeline
