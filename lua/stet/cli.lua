-- stet.cli: the command line of the `stet` host.
--
-- core/main.c calls cli.main(argv, exe) inside a protected call. Each command
-- lives in stet/cmd/<name>.lua and returns
--   { summary = "one line", usage = "stet NAME [opts] ...",
--     description = "text", options = { ...stet.args spec... },
--     run = function(opts, positional, ctx) return exit_code end }
-- Usage mistakes raise stet.args.usage_error (exit 1); a command returns 2
-- for bad input under --strict; anything else that escapes is an internal
-- error (exit 3), reported on one line by the host.

local args = require "stet.args"

local cli = {}

-- The commands, in the order `stet --help` lists them.
cli.commands = { "clean", "explain", "check", "hash", "signatures", "merge", "run", "normalize", "segment" }

local function load_command(name)
  local ok, mod = pcall(require, "stet.cmd." .. name)
  if ok then return mod end
  if tostring(mod):find("module 'stet.cmd." .. name .. "' not found", 1, true) then return nil end
  error(mod, 0)
end

function cli.help_text()
  local lines = {
    "stet " .. require("stet").version .. " - turns scraped news text into clean articles",
    "",
    "usage: stet COMMAND [options] [arguments]",
    "",
    "commands:",
  }
  for _, name in ipairs(cli.commands) do
    local mod = load_command(name)
    if mod then lines[#lines + 1] = ("  %-10s %s"):format(name, mod.summary) end
  end
  lines[#lines + 1] = ""
  lines[#lines + 1] = "  help COMMAND   the options of one command (also: stet COMMAND --help)"
  lines[#lines + 1] = "  --version      print the version"
  lines[#lines + 1] = ""
  lines[#lines + 1] = "Exit codes: 0 ok, 1 usage, 2 bad input (with --strict), 3 internal error."
  return table.concat(lines, "\n") .. "\n"
end

function cli.command_help(mod)
  local parts = { "usage: " .. mod.usage, "", mod.summary }
  if mod.description then parts[#parts + 1] = "\n" .. mod.description end
  if mod.options and #mod.options > 0 then
    parts[#parts + 1] = "\noptions:"
    parts[#parts + 1] = args.describe(mod.options)
  end
  parts[#parts + 1] = "  -h, --help                 this help"
  return table.concat(parts, "\n") .. "\n"
end

local function unknown(name)
  args.usage_error(nil, ("unknown command '%s'"):format(name))
end

-- argv: the arguments after the program name; exe: the host's path.
-- Returns the exit code.
function cli.main(argv, exe)
  local name = argv[1]
  if name == nil or name == "--help" or name == "-h" then
    io.stdout:write(cli.help_text())
    return name == nil and 1 or 0
  end
  if name == "--version" or name == "-V" then
    local stet = require "stet"
    io.stdout:write(("stet %s (Lua %s, Unicode %s, utf8proc Unicode %s)\n"):format(
      stet.version, _VERSION:match("%d.*"), stet.unicode_version, stet.utf8proc_unicode_version))
    return 0
  end
  if name == "help" then
    local topic = argv[2]
    if topic == nil then
      io.stdout:write(cli.help_text())
      return 0
    end
    local mod = load_command(topic) or unknown(topic)
    io.stdout:write(cli.command_help(mod))
    return 0
  end
  local mod = load_command(name) or unknown(name)
  local rest = table.move(argv, 2, #argv, 1, {})
  if not mod.raw_args then
    for _, a in ipairs(rest) do
      if a == "--" then break end
      if a == "--help" or a == "-h" then
        io.stdout:write(cli.command_help(mod))
        return 0
      end
    end
  end
  local ctx = { exe = exe, command = name }
  if mod.raw_args then return mod.run(rest, ctx) or 0 end
  local opts, positional = args.parse(name, mod.options or {}, rest)
  return mod.run(opts, positional, ctx) or 0
end

return cli
