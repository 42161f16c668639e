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
    { name = "quiet", short = "q", help = "no summary line" },
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
  ctx.shard = math.tointeger(k)
  ctx.near = opts.near
  ctx.boilerplate = 0
  ctx.format = { write = function() return "" end }
  ctx.format_name = "jsonl"
  ctx.jobs = math.tointeger(opts.jobs or require("stet").cpu_count())
  ctx.reader.defer_json = true
  ctx.out = io.stdout
  local stats = pipeline.new_stats()
  if ctx.jobs > 1 then
    ctx.pool = require("stet").pool(ctx.jobs, "return require('stet.pipeline').worker(...)",
      require("stet").pack(pipeline.config(ctx)))
  end
  local ok, summaries, keys, n = pcall(pipeline.collect, ctx, stats)
  if ctx.pool then ctx.pool:close() end
  if not ok then error(summaries, 0) end
  shards.write(opts.output, { near = opts.near, items = { [ctx.shard] = n }, keys = keys,
                              summaries = summaries })
  if not opts.quiet then
    io.stderr:write(("stet signatures: shard %d: %d documents, %d summarized, %d rejected -> %s\n"):format(
      ctx.shard, n, #keys, stats.documents.rejected, opts.output))
  end
  return 0
end

return signatures
