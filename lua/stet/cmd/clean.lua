-- stet clean: the main job (see stet.pipeline).

local stet = require "stet"
local args = require "stet.args"
local setup = require "stet.setup"
local pipeline = require "stet.pipeline"
local formats = require "stet.formats"

local clean = {
  summary = "clean documents: rules, boilerplate, duplicates; write records",
  usage = "stet clean [options] PATH...",
  description = [[
PATH is a text file (one document), a JSON Lines file (one document per
line), a folder (walked recursively, sorted), or - for standard input; any
of them may be compressed (.gz, .zst). Records go to standard output or
--output in input order. Files get two passes: the first finds duplicates and
counts paragraphs per site (each duplicate cluster once), the second drops
paragraphs seen in at least --boilerplate documents of the site. Standard
input gets one pass, with boilerplate counts from --table if given.
A one-line summary goes to stderr at the end unless --quiet; a PATH that
does not exist is named on stderr at the start, and counted as a rejected
document (--rejects, --stats give every reject's reason). With -j N the
documents are cleaned on N worker threads; the output is the same as with
-j 1. On SIGINT or SIGTERM the run stops cleanly: the records written are
whole, the stats file says "interrupted": true, and the exit code is 130.
An output, rejects or stats file that is one of the inputs, or lies inside
an input folder, is refused before anything is written.]],
  options = setup.options({
    { name = "format", short = "f", arg = "NAME|FILE", default = "jsonl",
      help = "jsonl, text, markdown, csv, or a .lua format file" },
    { name = "output", short = "o", arg = "PATH", help = "write records here (default, or -: stdout)" },
    { name = "jobs", short = "j", arg = "N", number = true,
      help = "worker threads (default: the number of online cores)" },
    { name = "separator", arg = "TEXT", help = "document separator of the text format (default: form feed)" },
    { name = "boilerplate", arg = "N", number = true, default = 3,
      help = "drop paragraphs found in N or more documents of a site (0: off)" },
    { name = "near", arg = "T", number = true, default = 0.7,
      help = "near-duplicate threshold (estimated Jaccard of 5-word shingles; 0: off)" },
    { name = "table", arg = "FILE", help = "paragraph counts from `stet hash` (added to this run's)" },
    { name = "keep-dups", help = "also write duplicates, with dup_of set" },
    { name = "signatures", arg = "FILE", help = "decide duplicates and boilerplate from a merged signature file" },
    { name = "shard", arg = "K", number = true, help = "this input's shard number in --signatures" },
    { name = "tmp-dir", arg = "DIR",
      help = "folder for the documents kept between the passes (default: $TMPDIR, else /tmp)" },
    { name = "stats", arg = "FILE", help = "write the accounting as JSON (-: standard output, with -o FILE)" },
    { name = "rejects", arg = "FILE", help = "write rejected inputs as JSON Lines (-: as for --stats)" },
    { name = "strict", help = "stop at the first rejected document (exit 2)" },
    { name = "progress", help = "show progress on stderr even when it is not a terminal" },
    { name = "quiet", short = "q", help = "no summary line" },
  }),
}

local function open_out(path, what)
  local f, err = setup.open_output(path)
  if not f then error({ exit = 2, message = ("stet clean: cannot write %s %s"):format(what, err) }, 0) end
  return f
end

function clean.run(opts, paths)
  if #paths == 0 then args.usage_error("clean", "no input (give files, folders or -)") end
  if opts.near < 0 or opts.near > 1 then args.usage_error("clean", "--near must be between 0 and 1") end
  local ctx = setup.context(opts, paths, "clean")
  setup.warn_missing("clean", paths)
  ctx.format = formats.load(opts.format)
  ctx.format_name = opts.format
  ctx.jobs = setup.jobs("clean", opts.jobs)
  ctx.format_opts = { separator = opts.separator }
  if opts.boilerplate < 0 or opts.boilerplate ~= math.floor(opts.boilerplate) then
    args.usage_error("clean", "--boilerplate must be a whole number >= 0 (0: off)")
  end
  ctx.boilerplate = math.tointeger(opts.boilerplate)
  ctx.near = opts.near
  ctx.keep_dups = opts["keep-dups"]
  ctx.strict = opts.strict
  ctx.tmp_dir = opts["tmp-dir"]
  ctx.progress = opts.progress or (not opts.quiet and setup.stderr_is_tty())
  if opts.signatures then
    local sig, err = require("stet.shards").read(opts.signatures)
    if not sig then error({ exit = 2, message = "stet clean: " .. err }, 0) end
    if not opts.shard then args.usage_error("clean", "--signatures needs --shard K") end
    if sig.near ~= opts.near and opts.near > 0 and (sig.near or 0) == 0 then
      args.usage_error("clean", "the signatures were made with --near 0: give --near 0")
    end
    ctx.signatures = sig
    ctx.shard = math.tointeger(opts.shard)
  end
  if opts.table then
    local t, err = stet.load_counter(opts.table)
    if not t then error({ exit = 2, message = "stet clean: " .. err }, 0) end
    ctx.table = t
  end
  for _, o in ipairs({ "output", "rejects", "stats" }) do setup.check_output("clean", o, opts[o], paths, "all") end
  -- "-" (or /dev/stdout) is standard output for the rejects and stats
  -- too; one of the three has it
  local taker
  if opts.output == nil or stet._outfile_std(opts.output) == 1 then taker = "the records" end
  for _, o in ipairs({ "rejects", "stats" }) do
    if opts[o] and stet._outfile_std(opts[o]) == 1 then
      if taker then
        args.usage_error("clean", ("--%s %s: standard output takes %s already"):format(o, opts[o], taker))
      end
      taker = "the " .. o
    end
  end
  -- the stats file is opened now and written at the end: a path that cannot
  -- be written stops the run before its work, not after
  local stats_file = opts.stats and open_out(opts.stats, "stats file")
  ctx.rejects = opts.rejects and open_out(opts.rejects, "rejects file") or nil
  local to_file = opts.output and opts.output ~= "-"
  ctx.out = to_file and open_out(opts.output, "output") or io.stdout
  ctx.out_name = to_file and opts.output or "standard output"
  ctx.out:setvbuf("full", 1 << 20)
  -- a run that fails, in the pipeline or while its output is finished,
  -- leaves no stats, not an empty file
  local function fail(err)
    if stats_file and stats_file ~= io.stdout and stats_file ~= io.stderr then
      if io.type(stats_file) == "file" then stats_file:close() end
      -- (never a device, nor a link: /dev/stdout sent to a file is a link)
      if stet.stat(opts.stats, true) == "file" then os.remove(opts.stats) end
    end
    error(err, 0)
  end
  stet.catch_interrupts()
  local ok, stats = pcall(pipeline.run, ctx)
  stet.release_interrupts()
  if not ok then fail(stats) end
  local done = setup.close_output
  -- the footer, and writes that fail (a full disk): exit 2
  local function finish()
    local function check(what, written, err)
      if not written then
        error({ exit = 2, message = ("stet clean: writing %s: %s"):format(what, tostring(err)) }, 0)
      end
    end
    if ctx.format.footer then
      local fok, s = pcall(ctx.format.footer, ctx.format_opts)
      if not fok then error({ exit = 2, message = "stet clean: " .. tostring(s) }, 0) end
      check(ctx.out_name, ctx.out:write(s))
      stats.bytes.written = stats.bytes.written + #s
    end
    check(ctx.out_name, ctx.out:flush())
    if to_file then check(ctx.out_name, done(ctx.out)) end
    if ctx.rejects then check(opts.rejects == "-" and "standard output" or opts.rejects, done(ctx.rejects)) end
  end
  local fok, ferr = pcall(finish)
  if not fok then fail(ferr) end
  if stats_file then
    local name = opts.stats == "-" and "standard output" or opts.stats
    local written, err = stats_file:write(pipeline.stats_json(stats))
    if written then written, err = done(stats_file) end
    if not written then fail({ exit = 2, message = ("stet clean: writing %s: %s"):format(name, tostring(err)) }) end
  end
  if not opts.quiet or stats.interrupted then
    io.stderr:write("stet clean: ", stats.interrupted and "interrupted: " or "", pipeline.summary(stats), "\n")
  end
  return stats.interrupted and 130 or 0
end

return clean
