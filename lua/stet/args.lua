-- stet.args: command-line options for the stet commands.
--
-- A command declares its options once, as data; the same table drives parsing
-- and the option list in `--help`:
--   { name = "form", short = "f", arg = "FORM", help = "...", default = "NFC" }
--   { name = "casefold", help = "..." }              -- a flag (boolean)
--   { name = "jobs", arg = "N", number = true, ... } -- a number
--   { name = "exclude", arg = "GLOB", list = true }  -- may repeat
-- Accepted forms: --name VALUE, --name=VALUE, -s VALUE, -sVALUE, --no-name
-- for flags whose default is true, and "--" to end the options.

local args = {}

-- Raised for every usage mistake; the CLI prints it and exits with code 1.
function args.usage_error(cmd, msg)
  local see = cmd and ("stet help " .. cmd) or "stet --help"
  error({ exit = 1, message = ("%s: %s (see '%s')"):format(
    cmd and ("stet " .. cmd) or "stet", msg, see) }, 0)
end

local function find(spec, key, short)
  for _, o in ipairs(spec) do
    if (short and o.short == key) or (not short and o.name == key) then return o end
  end
end

local function store(cmd, opts, o, value)
  if o.number then
    local n = tonumber(value)
    if not n then args.usage_error(cmd, ("--%s wants a number, not '%s'"):format(o.name, value)) end
    value = n
  end
  if o.choices then
    local ok = false
    for _, c in ipairs(o.choices) do ok = ok or c == value end
    if not ok then
      args.usage_error(cmd, ("--%s must be one of %s, not '%s'"):format(
        o.name, table.concat(o.choices, ", "), value))
    end
  end
  if o.list then
    opts[o.name] = opts[o.name] or {}
    table.insert(opts[o.name], value)
  else
    opts[o.name] = value
  end
end

-- Parses argv (an array of strings) against spec. Returns opts (keyed by
-- option name, defaults filled in) and the array of positional arguments.
function args.parse(cmd, spec, argv)
  local opts, rest = {}, {}
  for _, o in ipairs(spec) do
    if o.default ~= nil then opts[o.name] = o.default end
  end
  local i = 1
  while i <= #argv do
    local a = argv[i]
    if a == "--" then
      for j = i + 1, #argv do rest[#rest + 1] = argv[j] end
      break
    elseif a:sub(1, 2) == "--" then
      local key, value = a:match("^%-%-([^=]+)=(.*)$")
      key = key or a:sub(3)
      local o = find(spec, key)
      if not o and key:sub(1, 3) == "no-" then
        o = find(spec, key:sub(4))
        if o and not o.arg and value == nil then
          opts[o.name] = false
          o = "done"
        elseif o then
          o = nil
        end
      end
      if o == nil then args.usage_error(cmd, "unknown option " .. a:match("^[^=]*")) end
      if o ~= "done" then
        if o.arg then
          if value == nil then
            i = i + 1
            value = argv[i]
            if value == nil then args.usage_error(cmd, ("--%s needs %s"):format(o.name, o.arg)) end
          end
          store(cmd, opts, o, value)
        else
          if value ~= nil then args.usage_error(cmd, ("--%s takes no value"):format(o.name)) end
          opts[o.name] = true
        end
      end
    elseif a:sub(1, 1) == "-" and #a > 1 then
      local o = find(spec, a:sub(2, 2), true)
      if not o then args.usage_error(cmd, "unknown option " .. a:sub(1, 2)) end
      if o.arg then
        local value = a:sub(3)
        if value == "" then
          i = i + 1
          value = argv[i]
          if value == nil then args.usage_error(cmd, ("-%s needs %s"):format(o.short, o.arg)) end
        end
        store(cmd, opts, o, value)
      else
        if #a > 2 then args.usage_error(cmd, "unknown option " .. a) end
        opts[o.name] = true
      end
    else
      rest[#rest + 1] = a
    end
    i = i + 1
  end
  return opts, rest
end

-- The option list of a command, for --help.
function args.describe(spec)
  local lines = {}
  for _, o in ipairs(spec) do
    local left = (o.short and ("-" .. o.short .. ", ") or "    ") .. "--" .. o.name
    if o.arg then left = left .. " " .. o.arg end
    local help = o.help or ""
    if o.default ~= nil and o.default ~= false then
      help = help .. (" (default: %s)"):format(tostring(o.default))
    end
    lines[#lines + 1] = ("  %-26s %s"):format(left, help)
  end
  return table.concat(lines, "\n")
end

-- Options for a script run by `stet run`, declared as the commands declare
-- theirs: def = { usage = "stet run NAME ...", summary = "...",
-- description = "..." (optional), options = { ... }, min_args = N }.
-- Parses argv (default: the script's global arg); -h/--help prints the
-- help and exits 0, a usage mistake prints one line and exits 1. Returns
-- opts, positional.
function args.script(def, argv)
  argv = argv or _G.arg or {}
  local name = tostring(argv[0] or "script"):match("([^/]*)$"):gsub("%.lua$", "")
  local list = {}
  for i = 1, #argv do list[i] = argv[i] end
  for _, a in ipairs(list) do
    if a == "--" then break end
    if a == "-h" or a == "--help" then
      io.stdout:write(require("stet.cli").command_help(def))
      os.exit(0)
    end
  end
  local function usage(msg)
    io.stderr:write(("stet run %s: %s (see 'stet run %s --help')\n"):format(name, msg, name))
    os.exit(1)
  end
  local ok, opts, positional = pcall(args.parse, name, def.options or {}, list)
  if not ok then
    local msg = type(opts) == "table" and opts.message or tostring(opts)
    usage((msg:gsub("^stet [^:]*: ", ""):gsub(" %(see '[^']*'%)$", "")))
  end
  if #positional < (def.min_args or 0) then usage("missing " .. (def.missing or "arguments")) end
  return opts, positional
end

-- "1 document", "2 documents": n and the word, plural unless n is 1
-- (plural: word .. "s" unless given).
function args.count(n, word, plural)
  return ("%d %s"):format(n, n == 1 and word or plural or word .. "s")
end

return args
