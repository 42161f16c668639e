-- stet.setup: the options shared by clean, explain and check, and the
-- pipeline context they build from them.

local stet = require "stet"
local args = require "stet.args"
local rules = require "stet.rules"

local setup = {}

-- Options of the commands that read documents and apply rules.
setup.rule_options = {
  { name = "rules", short = "r", arg = "PATH", list = true,
    help = "rule file or folder of rule files (repeatable)" },
  { name = "site", short = "s", arg = "NAME", help = "apply this site's rules to every document" },
  { name = "input", arg = "FORMAT", choices = { "text", "jsonl" },
    help = "format of standard input and of pipes (default: sniffed)" },
  { name = "text-field", arg = "NAME", default = "text", help = "JSONL field holding the text" },
  { name = "mojibake", default = true, help = "repair cp1252/Latin-1 mojibake (--no-mojibake to keep)" },
  { name = "reference", arg = "DATE", help = "reference date for relative dates (else the record's)" },
  { name = "rule-instructions", arg = "N", number = true, default = 10000000,
    help = "instruction budget of a rule hook per document" },
  { name = "rule-memory", arg = "MB", number = true, default = 64,
    help = "memory budget of a rule hook per document" },
}

-- Appends the options of `extra` to a copy of the shared ones.
function setup.options(extra)
  local out = {}
  for _, o in ipairs(setup.rule_options) do out[#out + 1] = o end
  for _, o in ipairs(extra or {}) do out[#out + 1] = o end
  return out
end

-- The pipeline context for parsed options of command cmd. A --reference
-- that is no date is a usage error: relative dates would all be refused.
function setup.context(opts, paths, cmd)
  if opts.reference ~= nil and not stet.date(opts.reference) then
    args.usage_error(cmd, ("--reference must be a date such as 2017-06-07 or 2017-06-07T12:00:00Z, not '%s'")
      :format(opts.reference))
  end
  local registry = rules.registry(opts.rules or {})
  -- --site that no rule file given names is likely a typo: said, not
  -- refused (the generic rules apply, and the site is the records')
  if cmd and opts.site and #registry.list > 0 and not registry.by_name[opts.site] then
    local names = {}
    for _, rule in ipairs(registry.list) do names[#names + 1] = rule.name end
    table.sort(names)
    local shown = table.concat(names, ", ", 1, math.min(#names, 10))
    if #names > 10 then shown = ("%s and %d more"):format(shown, #names - 10) end
    io.stderr:write(("stet %s: warning: --site %s: no rule file given names this site " ..
      "(only the generic rules apply; sites: %s)\n"):format(cmd, opts.site, shown))
  end
  return {
    paths = paths,
    reader = { input = opts.input, text_field = opts["text-field"] },
    registry = registry,
    rules_paths = opts.rules or {},
    site = opts.site,
    reference = opts.reference,
    normalize = { mojibake = opts.mojibake ~= false },
    rule_instructions = math.tointeger(opts["rule-instructions"]) or 10000000,
    rule_memory = math.floor((opts["rule-memory"] or 64) * 1024 * 1024),
  }
end

-- Says on stderr, as a warning of cmd, which input paths are not there. Each
-- is still read as the accounting has it (one rejected document, with the
-- reason), but a mistyped path would otherwise show only as "1 rejected"
-- in the summary.
function setup.warn_missing(cmd, paths)
  for _, p in ipairs(paths) do
    if p ~= "-" then
      local kind, err = stet.stat(p)
      if not kind then
        io.stderr:write(("stet %s: warning: %s (counted as a rejected document)\n"):format(cmd, err))
      end
    end
  end
end

-- Refuses (a usage error of cmd) a file the command would write, given by
-- --option, that is one of its input files, which opening it would empty
-- or replace before it is read, or that lies inside an input folder: with
-- folders = "all", any such path (stet clean's walk would read what it
-- writes), with "existing" one that is there already (an input document).
-- Files and folders are compared by identity (stet.stat), so links and
-- "dir/../dir" are seen through. Devices and pipes are never inputs.
function setup.check_output(cmd, option, path, inputs, folders)
  if not path or path == "-" then return end
  local kind, _, id = stet.stat(path)
  if kind == "other" then return end
  local dirs = {}
  for _, input in ipairs(inputs) do
    local ikind, _, iid = stet.stat(input)
    if ikind == "file" and kind == "file" and iid == id then
      args.usage_error(cmd, ("--%s %s is the input %s: it would be lost before it is read")
        :format(option, path, input))
    elseif ikind == "dir" and (folders == "all" or folders == "existing" and kind == "file") then
      dirs[iid] = input
    end
  end
  if not next(dirs) then return end
  -- the folders that hold path, from its own up to the root
  local dir = path:match("^(.*)/[^/]*$") or "."
  if dir == "" then dir = "/" end
  local seen = {}
  for _ = 1, 256 do
    local dkind, _, did = stet.stat(dir)
    if dkind ~= "dir" or seen[did] then return end
    if dirs[did] and kind == "file" and folders == "existing" then
      args.usage_error(cmd, ("--%s %s is a file of the input folder %s: it would be lost "
        .. "before it is read"):format(option, path, dirs[did]))
    elseif dirs[did] then
      args.usage_error(cmd, ("--%s %s is inside the input folder %s, whose walk would read it: "
        .. "write it elsewhere"):format(option, path, dirs[did]))
    end
    seen[did] = true
    dir = dir .. "/.."
  end
end

-- Fails now (exit 2) when the file a command writes at the end, by way of
-- PATH.tmp renamed into place, cannot be made: before the work, not after.
-- What is written straight (a device, a pipe: core/outfile.h) is not tried.
function setup.check_writable(cmd, path)
  local target = not stet._outfile_std(path) and stet._outfile_target(path)
  if not target then return end
  local tmp = target .. ".tmp"
  local f, err = io.open(tmp, "wb")
  if not f then error({ exit = 2, message = ("stet %s: cannot write %s"):format(cmd, err) }, 0) end
  f:close()
  os.remove(tmp)
end

-- The path a table or signature file is written to: "-" is standard
-- output (written straight, core/outfile.h), refused when that is a
-- terminal, which binary bytes would garble.
function setup.binary_output(cmd, path)
  if stet._outfile_std(path) == 1 and stet.isatty(1) then
    args.usage_error(cmd, ("-o %s: standard output is a terminal (redirect it, or give a file)"):format(path))
  end
  return path
end

-- Opens an output file for writing: f | nil, err. "-", /dev/stdout and
-- /dev/stderr are the process's own streams, written through, not opened
-- again (core/outfile.h says why); a device, a pipe or another link
-- through /proc is appended to, as the shell's `>` or `>>` opened it;
-- anything else is made empty first. setup.close_output closes it.
function setup.open_output(path)
  local fd = stet._outfile_std(path)
  if fd == 1 then return io.stdout end
  if fd == 2 then return io.stderr end
  return io.open(path, stet._outfile_target(path) and "wb" or "ab")
end

-- Closes what setup.open_output opened (the process's streams are flushed).
function setup.close_output(f)
  if f == io.stdout or f == io.stderr then return f:flush() end
  return f:close()
end

-- The --jobs of command cmd (default: the online cores), checked.
function setup.jobs(cmd, jobs)
  jobs = jobs or stet.cpu_count()
  if jobs < 1 or jobs > 256 or jobs ~= math.floor(jobs) then
    args.usage_error(cmd, "--jobs must be a whole number from 1 to 256")
  end
  return math.tointeger(jobs)
end

-- True when stderr is a terminal.
function setup.stderr_is_tty()
  return stet.isatty and stet.isatty(2) or false
end

return setup
