-- stet: the public Lua library.
--
-- `require "stet"` gives the C primitives of stet.core (normalize, validate,
-- and the rest as they are built) plus the Lua layers on top of them. It works
-- inside the `stet` host (which preloads stet.core) and from a plain lua5.4
-- whose package.cpath reaches the built module (build/lib/?.so in the source
-- tree, lib/lua/5.4 under the install prefix).

local core = require "stet.core"

local stet = {}
for name, value in pairs(core) do stet[name] = value end

stet.version = "0.1.0"

-- stet.date(s [, opts]) -> iso | nil, reason (lua/stet/date.lua)
stet.date = require("stet.date").parse

-- News-aware sentences need the compiled abbreviation set: the default one
-- is built on first use, and one per distinct opts.abbreviations table
-- (cached weakly by that table, so a caller that reuses its table pays once).
local default_abbrevs
local abbrev_cache = setmetatable({}, { __mode = "k" })

local function abbrevs(extra)
  if extra == nil then
    default_abbrevs = default_abbrevs or core.abbrevs((require "stet.abbreviations"))
    return default_abbrevs
  end
  if type(extra) ~= "table" then
    error("bad option 'abbreviations' (table expected, got " .. type(extra) .. ")", 3)
  end
  local set = abbrev_cache[extra]
  if not set then
    set = core.abbrevs(require "stet.abbreviations", extra)
    abbrev_cache[extra] = set
  end
  return set
end

-- stet.sentences(s [, opts]): news-aware sentences, trimmed (strings, or
-- spans with opts.spans); opts.abbreviations extends stet.abbreviations.
function stet.sentences(s, opts)
  return core.sentences(s, opts, abbrevs(opts and opts.abbreviations))
end

-- stet.segment_lines(s, by [, opts]) -> text, used: one segment per line,
-- escaped, for `stet segment` (see core/lua_segment.c).
function stet.segment_lines(s, by, opts)
  local set = by == "sentence" and abbrevs(opts and opts.abbreviations) or nil
  return core.segment_lines(s, by, opts, set)
end

-- stet.segment_file(path | "-", by [, opts]) -> true | nil, err: the lines
-- of stet.segment_lines for a whole file, written to standard output by a
-- C loop in blocks of opts.chunk bytes (see core/lua_segment.c).
function stet.segment_file(path, by, opts)
  local set = by == "sentence" and abbrevs(opts and opts.abbreviations) or nil
  return core.segment_file(path, by, opts, set)
end

-- stet.json_fields(s, names [, out [, i [, j]]]) -> out | nil, err: the
-- top-level fields `names` of the JSON object in s[i..j] (default: all of s;
-- i and j as string.sub takes them), without decoding the rest. out (a new
-- table unless given) gets out[name] = the field's value as lua-cjson
-- decodes it, nil when absent. The C scanner (core/json.c) answers for the
-- common case, objects whose requested fields are strings; anything else is
-- decoded with lua-cjson, so the answers are cjson's. err is
-- "invalid JSON: <cjson's message>" or "not a JSON object".
local json_fields = core.json_fields
function stet.json_fields(s, names, out, i, j)
  local t = json_fields(s, names, out, i, j)
  if t then return t end
  if i or j then s = s:sub(i or 1, j or -1) end
  local ok, rec = pcall(require("cjson").decode, s)
  if not ok then return nil, "invalid JSON: " .. tostring(rec):gsub("^.-: ", "") end
  if type(rec) ~= "table" or s:find("^[ \t\r\n]*%[") then return nil, "not a JSON object" end
  t = out or {}
  for _, k in ipairs(names) do t[k] = rec[k] end
  return t
end

-- stet.lsh(opts): an LSH index over MinHash signatures (stet/lsh.lua).
stet.lsh = require("stet.lsh").new

-- stet.docs(paths [, opts]): iterates the documents of a corpus, cleaned by
-- the site rules (opts.rules: rule files or folders; opts.site; opts.input;
-- opts.text_field; opts.rejects = true to see rejected inputs too, as
-- tables with a `reject` reason, or opts.on_reject = function(r) to be
-- told of them instead, such as stet.reject_reporter(prefix)). Each
-- document is what a rule hook sees,
-- plus doc.text, the kept body. No boilerplate filter or duplicate
-- detection: those need the whole corpus (stet clean).
--   for doc in stet.docs{ "corpus/" } do print(doc.id, #doc.text) end
-- One line for a rejected document of stet.docs (with rejects) or of the
-- readers: "ID: rejected: REASON", or the reason alone when it names the
-- document already (a file that cannot be read: "PATH: No such file ...").
function stet.reject_message(r)
  local id, why = tostring(r.id or r.source), tostring(r.reject)
  if why:sub(1, #id + 1) == id .. ":" then return why end
  return ("%s: rejected: %s"):format(id, why)
end

-- A reporter for stet.docs's on_reject: each call names a rejected
-- document on stderr after prefix ("stet run sites: ID: rejected: ..."),
-- and its field count says how many there were.
function stet.reject_reporter(prefix)
  return setmetatable({ count = 0 }, { __call = function(self, r)
    self.count = self.count + 1
    io.stderr:write(prefix, ": ", stet.reject_message(r), "\n")
  end })
end

function stet.docs(paths, opts)
  opts = opts or {}
  if type(paths) == "string" then paths = { paths } end
  local readers = require "stet.readers"
  local document = require "stet.document"
  local ctx = {
    registry = require("stet.rules").registry(opts.rules or {}),
    site = opts.site, normalize = { mojibake = opts.mojibake ~= false },
  }
  local it = readers.open(paths, { input = opts.input, text_field = opts.text_field })
  return function()
    while true do
      local raw = it()
      if raw == nil then return nil end
      local rejected = raw.reject and raw
      if not rejected then
        local doc, err = document.process(raw, ctx)
        if doc then
          doc.text = table.concat(document.body(doc), "\n\n")
          return doc
        end
        rejected = { reject = err, id = raw.id, source = raw.source, line = raw.line }
      end
      if opts.on_reject then opts.on_reject(rejected)
      elseif opts.rejects then return rejected end
    end
  end
end

return stet
