-- stet signatures: pass 1 of `stet clean` on one shard, saved to a file
-- (see stet.shards for the recipe).

local args = require "stet.args"
local setup = require "stet.setup"
local pipeline = require "stet.pipeline"
local shards = require "stet.shards"

local signatures = {
  summary = "save a shard's duplicate signatures and paragraph fingerprints",
  usage = "stet signatures --shard K -o FILE [options] PATH...",
  description = [[
Runs the first pass of `stet clean` over one shard of a corpus and writes
what the decisions need (per document: site, metadata, kept-paragraph
fingerprints, body fingerprint, MinHash signature) to FILE. Merge the files
of all shards with `stet merge`, then clean each shard with
`stet clean --shard K --signatures merged.sig`: the records equal those of
one run over all shards, concatenated in shard order. Give the same rule
options as to clean. K orders the shards (1, 2, ...).]],
  options = setup.options({
    { name = "shard", arg = "K", number = true, help = "this shard's number (required; shards in input order)" },
    { name = "output", short = "o", arg = "FILE", help = "signature file to write (required; -: standard output)" },
    { name = "near", arg = "T", number = true, default = 0.7, help = "as for clean (0: no MinHash)" },
    { name = "jobs", short = "j", arg = "N", number = true, help = "worker threads (default: online cores)" },
    { name = "progress", help = "show progress on stderr even when it is not a terminal" },
    { name = "quiet", short = "q", help = "no summary line (nor progress)" },
  }),
}

function signatures.run(opts, paths)
  if #paths == 0 then args.usage_error("signatures", "no input") end
  if not opts.output then args.usage_error("signatures", "missing -o FILE") end
  opts.output = setup.binary_output("signatures", opts.output)
  setup.check_output("signatures", "output", opts.output, paths, "existing")
  setup.check_writable("signatures", opts.output)
  local k = opts.shard
  if not k or k < 0 or k ~= math.floor(k) or k >= (1 << 20) then
    args.usage_error("signatures", "--shard K must be a whole number from 0 to 1048575")
  end
  local ctx = setup.context(opts, paths, "signatures")
  setup.warn_missing("signatures", paths)
  ctx.shard = math.tointeger(k)
  ctx.near = opts.near
  ctx.boilerplate = 0
  ctx.summaries_only = true -- (clustered after the merge, not here)
  ctx.format = { write = function() return "" end }
  ctx.format_name = "jsonl"
  ctx.jobs = setup.jobs("signatures", opts.jobs)
  ctx.reader.defer_json = true
  ctx.out = io.stdout
  -- the fast way of stet clean's pass 1 (the lane, by chunks of files and
  -- lines) leaves each document in a spill, which here keeps nothing
  ctx.lane = os.getenv("STET_LANE") ~= "0"
  if ctx.lane then
    ctx.spill = require("stet")._spill(nil, true)
    ctx.reader.defer_text, ctx.reader.chunk_text, ctx.reader.chunk_json = true, true, true
    ctx.reader.chunk_ranges = ctx.jobs > 1
  end
  local progress = require "stet.progress"
  ctx.progress = opts.progress or (not opts.quiet and setup.stderr_is_tty())
  ctx.started, ctx.pass1_label = require("stet").clock(), "signatures"
  if ctx.progress then ctx.total_bytes = progress.input_size(paths) end
  local stats = pipeline.new_stats()
  if ctx.jobs > 1 then
    ctx.pool = require("stet").pool(ctx.jobs, "return require('stet.pipeline').worker(...)",
      require("stet").pack(pipeline.config(ctx)))
  end
  local ok, err, _, n = pcall(pipeline.collect, ctx, stats)
  if ctx.pool then ctx.pool:close() end
  if ctx.spill then ctx.spill:close() end
  progress.clear(ctx)
  if not ok then error(err, 0) end
  -- the summaries go to the file from pass 1's store (core/lua_sumstore.c)
  shards.write(opts.output, { near = opts.near, items = { [ctx.shard] = n }, store = ctx.store })
  if not opts.quiet then
    io.stderr:write(("stet signatures: shard %d: %s, %d summarized, %d rejected -> %s\n"):format(
      ctx.shard, args.count(n, "document"), #ctx.store, stats.documents.rejected, opts.output))
  end
  return 0
end

return signatures
