-- stet.setup: the options shared by clean, explain and check, and the
-- pipeline context they build from them.

local stet = require "stet"
local rules = require "stet.rules"

local setup = {}

-- Options of the commands that read documents and apply rules.
setup.rule_options = {
  { name = "rules", short = "r", arg = "PATH", list = true,
    help = "rule file or folder of rule files (repeatable)" },
  { name = "site", short = "s", arg = "NAME", help = "apply this site's rules to every document" },
  { name = "input", arg = "FORMAT", choices = { "text", "jsonl" },
    help = "format of standard input (default: sniffed)" },
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

-- The pipeline context for parsed options.
function setup.context(opts, paths)
  return {
    paths = paths,
    reader = { input = opts.input, text_field = opts["text-field"] },
    registry = rules.registry(opts.rules or {}),
    rules_paths = opts.rules or {},
    site = opts.site,
    reference = opts.reference,
    normalize = { mojibake = opts.mojibake ~= false },
    rule_instructions = math.tointeger(opts["rule-instructions"]) or 10000000,
    rule_memory = math.floor((opts["rule-memory"] or 64) * 1024 * 1024),
  }
end

-- True when stderr is a terminal.
function setup.stderr_is_tty()
  return stet.isatty and stet.isatty(2) or false
end

return setup
