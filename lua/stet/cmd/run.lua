-- stet run: runs a Lua script (or -e CODE) with the stet library loaded.
--
-- The script sees `arg` the way lua5.4 sets it (arg[0] the script, arg[1..]
-- its arguments, negative indices the host and "run") and its arguments as
-- `...`. The global `stet` is the library, as after `lua5.4 -l stet`.
-- A bare name that is not a file is looked up in the bundled scripts/ folder.

local args = require "stet.args"

local run = {
  summary = "run a Lua script with the stet library loaded",
  usage = "stet run SCRIPT [ARGS...]  |  stet run -e CODE [ARGS...]",
  description = [[
SCRIPT is a Lua file, or the name of a bundled analysis script (see
`stet run --list`). Inside it, `stet` is the library and `arg`/`...` hold
ARGS as lua5.4 would set them. An error in the script is reported on one
line (with its traceback when STET_TRACEBACK is set) and exits with 1, or
with the code an error of the stet library carries (2 for bad input).]],
  raw_args = true,
}

-- The folder of bundled scripts: scripts/ beside lua/ in the source tree,
-- share/stet/scripts under the prefix.
local function scripts_dir(exe)
  local base = exe:match("^(.*)/[^/]*$") or "."
  for _, rel in ipairs({ "/../scripts", "/../share/stet/scripts" }) do
    local f = io.open(base .. rel .. "/README.md") or io.open(base .. rel .. "/.keep")
    if f then f:close() return base .. rel end
  end
  return base .. "/../scripts"
end

-- The message of an error: a string, or the library's { exit, message }
-- tables (stet.args, stet.shards...), whose exit code is kept.
local function traceback(msg)
  if type(msg) == "table" and type(msg.message) == "string" then
    return { message = debug.traceback(msg.message, 2), exit = math.tointeger(msg.exit) }
  end
  if type(msg) ~= "string" then msg = tostring(msg) end
  return { message = debug.traceback(msg, 2) }
end

function run.run(argv, ctx)
  if #argv == 0 then args.usage_error("run", "missing SCRIPT or -e CODE") end
  if argv[1] == "--help" or argv[1] == "-h" then
    io.stdout:write(require("stet.cli").command_help(run))
    return 0
  end
  local chunk, err, name
  local first = 2
  if argv[1] == "-e" then
    if argv[2] == nil then args.usage_error("run", "-e needs CODE") end
    name = "-e"
    chunk, err = load(argv[2], "=(command line)", "t")
    first = 3
  elseif argv[1] == "--list" then
    local dir = scripts_dir(ctx.exe)
    local p = io.popen('ls "' .. dir .. '" 2>/dev/null')
    for line in p:lines() do
      if line:match("%.lua$") then io.stdout:write(line:gsub("%.lua$", ""), "\n") end
    end
    p:close()
    return 0
  else
    name = argv[1]
    local f = io.open(name, "r")
    if f then
      f:close()
    elseif not name:find("/", 1, true) then
      local bundled = scripts_dir(ctx.exe) .. "/" .. name:gsub("%.lua$", "") .. ".lua"
      local g = io.open(bundled, "r")
      if g then g:close() name = bundled end
    end
    chunk, err = loadfile(name)
  end
  if not chunk then
    error({ exit = 1, message = "stet run: " .. tostring(err) }, 0)
  end
  local script_args = {}
  _G.arg = { [-2] = ctx.exe, [-1] = "run", [0] = name }
  for i = first, #argv do
    _G.arg[i - first + 1] = argv[i]
    script_args[#script_args + 1] = argv[i]
  end
  _G.stet = require "stet"
  local ok, failure = xpcall(chunk, traceback, table.unpack(script_args))
  if not ok then
    local msg = failure.message
    if os.getenv("STET_TRACEBACK") then io.stderr:write("stet run: ", msg, "\n")
    else io.stderr:write("stet run: ", (msg:match("^[^\n]*")), "\n") end
    return failure.exit or 1
  end
  return 0
end

return run
