-- stet.formats: output formats. A format is a table
--   { extension = "jsonl", header = function(opts) -> string (optional),
--     write = function(record, opts) -> string, footer = function(opts) -> string (optional),
--     json_text = true (optional) }
-- With json_text the record also carries text_json, the JSON string literal
-- of text, made straight from the paragraphs in C; text is then built only
-- if write reads it.
-- Built-in formats live in stet/formats/<name>.lua; a user format is a path
-- to a .lua file returning such a table, loaded in a sandbox like rule files.
--
-- A record (DESIGN.md): { id, site, source, title, date, authors, text,
-- dup_of, meta }, absent facts nil (written as null or empty).

local formats = {}

formats.builtin = { "jsonl", "text", "markdown", "csv" }

local KNOWN = { extension = "string", header = "function", write = "function", footer = "function", name = "string",
                json_text = "boolean" }

local function fail(msg) error({ exit = 1, message = "stet: " .. msg }, 0) end

-- Checks a format table; `where` names it in errors.
function formats.check(fmt, where)
  if type(fmt) ~= "table" then fail(("format %s must return a table"):format(where)) end
  for k, v in pairs(fmt) do
    if not KNOWN[k] then fail(("format %s: unknown key '%s'"):format(where, tostring(k))) end
    if type(v) ~= KNOWN[k] then fail(("format %s: '%s' must be a %s"):format(where, k, KNOWN[k])) end
  end
  if not fmt.write then fail(("format %s has no write function"):format(where)) end
  return fmt
end

-- A user format's function, guarded: an error in it, or a value that is not
-- a string (nil writes nothing), stops the run with a message naming the
-- format and, for write, the record. The message is a string starting
-- "format ", which stet.pipeline maps to exit 2: errors raised on worker
-- threads reach the main thread as strings.
local function guarded(name, what, fn)
  return function(...)
    local ok, out = pcall(fn, ...)
    local where = ""
    if what == "write" then
      local rec = ...
      where = (" (record %s)"):format(type(rec) == "table" and tostring(rec.id) or "?")
    end
    if not ok then error(("format %s: %s%s"):format(name, tostring(out), where), 0) end
    if out == nil then return what ~= "write" and "" or nil end
    if type(out) ~= "string" then
      error(("format %s: %s returned a %s, not a string%s"):format(name, what, type(out), where), 0)
    end
    return out
  end
end

-- Loads a format by built-in name or by path.
function formats.load(name)
  name = name or "jsonl"
  if name:find("/", 1, true) or name:match("%.lua$") then
    local env = require("stet.rules").sandbox()
    local chunk, err = loadfile(name, "t", env)
    if not chunk then fail(("cannot load format %s"):format((err:gsub("^cannot open ", "")))) end
    local ok, fmt = pcall(chunk)
    if not ok then fail(("format %s: %s"):format(name, tostring(fmt))) end
    formats.check(fmt, name)
    for _, what in ipairs({ "header", "write", "footer" }) do
      if fmt[what] then fmt[what] = guarded(name, what, fmt[what]) end
    end
    return fmt
  end
  local ok, fmt = pcall(require, "stet.formats." .. name)
  if not ok then
    fail(("unknown format '%s' (built in: %s; or a path to a .lua file)"):format(
      name, table.concat(formats.builtin, ", ")))
  end
  return formats.check(fmt, name)
end

return formats
