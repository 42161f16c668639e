-- stet.rules: loading site rule files and finding the one a document gets.
--
-- A rule file returns a table (docs/rules.md is the contract). It is loaded
-- in a sandbox where reading or writing an unknown global is an error, its
-- keys are checked, its patterns are tried once, and it is compiled into a
-- plain "rule" table that stet.document applies:
--   { name, file, domains, lines (boolean), generic (boolean),
--     head = { {kind, pattern, dayfirst}... }, drops = { {label, match}... },
--     cuts = { {label, pattern}... }, paragraph, document, prefer }
-- where each match is a function(p, doc) -> boolean.

local stet = require "stet"

local rules = {}

local KNOWN_KEYS = {
  name = "string", domains = "table", paragraphs = "string", generic = "boolean",
  head = "table", drop = "table", cut = { "string", "table" }, paragraph = "function",
  document = "function", prefer = "function",
}
local HEAD_KINDS = { date = true, title = true, byline = true }

-- Raised for a bad rule file; stet clean/check/explain report it with exit 1.
local function rule_error(file, msg)
  error({ exit = 1, message = ("stet: rule file %s: %s"):format(file, msg) }, 0)
end

local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end

-- A read-only view of a table: writing to it is an error.
local function readonly(t, what)
  return setmetatable({}, {
    __index = t,
    __newindex = function(_, k) error(("cannot modify %s.%s in a rule file"):format(what, tostring(k)), 2) end,
    __pairs = function() return next, t, nil end,
  })
end

local generic_source = require "stet.sites.generic"

-- The environment a rule file runs in: safe library parts, the stet library
-- and the generic rules (both read-only); any other global is an error.
function rules.sandbox()
  local env = {
    string = copy(string), table = copy(table), math = copy(math), utf8 = copy(utf8),
    pairs = pairs, ipairs = ipairs, select = select, type = type, tostring = tostring,
    tonumber = tonumber, error = error, assert = assert, pcall = pcall, next = next,
    rawequal = rawequal, rawlen = rawlen, setmetatable = setmetatable,
    stet = readonly(stet, "stet"), generic = readonly(generic_source, "generic"),
  }
  return setmetatable(env, {
    __index = function(_, k) error(("unknown global '%s'"):format(tostring(k)), 2) end,
    __newindex = function(_, k) error(("assignment to unknown global '%s'"):format(tostring(k)), 2) end,
  })
end

local function check_pattern(file, where, pat)
  if type(pat) ~= "string" then rule_error(file, where .. " must be a Lua pattern (a string)") end
  local ok, err = pcall(string.find, "", pat)
  if not ok then rule_error(file, ("%s: bad pattern %q: %s"):format(where, pat, err:gsub("^.-: ", ""))) end
end

-- Turns one drop rule (pattern, array of patterns, function, or a table
-- { match = function, max_length = N, contains = "text" } whose function
-- is only called on paragraphs that pass those cheap tests) into matchers.
local function compile_drop(file, label, spec, out)
  local function add(m)
    if type(m) == "function" then
      out[#out + 1] = { label = label, fn = m }
    elseif type(m) == "table" and type(m.match) == "function" then
      for k in pairs(m) do
        if k ~= "match" and k ~= "max_length" and k ~= "contains" then
          rule_error(file, ("drop.%s: unknown key '%s' in a function matcher"):format(label, tostring(k)))
        end
      end
      out[#out + 1] = { label = label, fn = m.match, max_length = m.max_length, contains = m.contains }
    else
      check_pattern(file, ("drop.%s"):format(label), m)
      out[#out + 1] = { label = label, pattern = m }
    end
  end
  if type(spec) == "table" and spec.match == nil then
    for _, m in ipairs(spec) do add(m) end
  else
    add(spec)
  end
end

-- Compiles the patterns of a matcher list into one C pattern set
-- (stet.patterns), which finds the first matching pattern of a paragraph in
-- one call. Returns the set (nil when there are no patterns), the map from
-- set index to list position, the function matchers with their positions
-- and cheap tests, in order, and the map from set index to label.
function rules.compile_set(file, list)
  local pats, map, fns, labels = {}, {}, {}, {}
  for pos, m in ipairs(list) do
    if m.pattern then
      pats[#pats + 1] = m.pattern
      map[#pats] = pos
      labels[#pats] = m.label
    else
      -- (a matcher declared with one parameter never sees the document
      -- table, which then need not be made for it)
      local info = debug.getinfo(m.fn, "u")
      fns[#fns + 1] = { pos = pos, m = m, max_length = m.max_length or 0, contains = m.contains,
                        needs_doc = info.nparams >= 2 or info.isvararg }
    end
  end
  local set
  if #pats > 0 then
    local err
    set, err = stet.patterns(pats)
    if not set then rule_error(file, err) end
  end
  return set, map, fns, labels
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  return keys
end

-- Compiles the table a rule file returned into a rule.
function rules.compile(spec, file, default_name)
  if type(spec) ~= "table" then rule_error(file, "must return a table, not " .. type(spec)) end
  for _, k in ipairs(sorted_keys(spec)) do
    local want = KNOWN_KEYS[k]
    if not want then
      rule_error(file, ("unknown key '%s' (known: domains, paragraphs, generic, head, drop, cut, " ..
        "paragraph, document, prefer, name)"):format(tostring(k)))
    end
    local t = type(spec[k])
    local ok = (type(want) == "table") and (t == want[1] or t == want[2]) or t == want
    if not ok then
      rule_error(file, ("key '%s' must be a %s, not a %s"):format(k,
        type(want) == "table" and table.concat(want, " or ") or want, t))
    end
  end
  local rule = {
    name = spec.name or default_name, file = file, domains = {},
    lines = false, generic = spec.generic ~= false, head = {}, drops = {}, cuts = {},
    paragraph = spec.paragraph, document = spec.document, prefer = spec.prefer,
  }
  if spec.paragraphs ~= nil then
    if spec.paragraphs ~= "lines" and spec.paragraphs ~= "blank" then
      rule_error(file, "paragraphs must be \"blank\" or \"lines\"")
    end
    rule.lines = spec.paragraphs == "lines"
  end
  for i, d in ipairs(spec.domains or {}) do
    if type(d) ~= "string" then rule_error(file, ("domains[%d] must be a string"):format(i)) end
    rule.domains[#rule.domains + 1] = d:lower():gsub("^www%.", "")
  end
  for i, h in ipairs(spec.head or {}) do
    local e = type(h) == "table" and h or { h }
    local kind = e[1] or e.kind
    if not HEAD_KINDS[kind] then
      rule_error(file, ("head[%d] must be \"date\", \"title\" or \"byline\""):format(i))
    end
    if e.pattern then check_pattern(file, ("head[%d].pattern"):format(i), e.pattern) end
    rule.head[#rule.head + 1] = { kind = kind, pattern = e.pattern, dayfirst = e.dayfirst == true }
  end
  for _, label in ipairs(sorted_keys(spec.drop or {})) do
    if type(label) ~= "string" then rule_error(file, "drop labels must be strings") end
    compile_drop(file, label, spec.drop[label], rule.drops)
  end
  local cut = spec.cut
  if type(cut) == "string" then cut = { cut } end
  if cut then
    for i, pat in ipairs(cut) do
      check_pattern(file, ("cut[%d]"):format(i), pat)
      rule.cuts[#rule.cuts + 1] = { label = "cut", pattern = pat }
    end
    for _, k in ipairs(sorted_keys(cut)) do
      if type(k) == "string" then
        check_pattern(file, "cut." .. k, cut[k])
        rule.cuts[#rule.cuts + 1] = { label = "cut", name = k, pattern = cut[k] }
      end
    end
  end
  rule.drop_set, rule.drop_map, rule.drop_fns, rule.drop_labels = rules.compile_set(file, rule.drops)
  rule.cut_set, rule.cut_map = rules.compile_set(file, rule.cuts)
  return rule
end

-- Loads one rule file.
function rules.load_file(path)
  local env = rules.sandbox()
  local chunk, err = loadfile(path, "t", env)
  if not chunk then rule_error(path, err) end
  local ok, spec = pcall(chunk)
  if not ok then rule_error(path, tostring(spec)) end
  local base = path:match("([^/]+)%.lua$") or path
  return rules.compile(spec, path, base)
end

-- The generic rules as a rule of their own.
rules.generic = rules.compile(
  { name = "generic", drop = generic_source.drop, generic = false },
  "stet/sites/generic.lua", "generic")
rules.generic.is_generic = true
-- the built-in functions are ours: they run without the hook budgets
for _, f in ipairs(rules.generic.drop_fns) do f.m.trusted = true end

local function lua_files(dir)
  local p = io.popen("find '" .. dir:gsub("'", "'\\''") .. "' -maxdepth 1 -type f -name '*.lua' | LC_ALL=C sort")
  local files = {}
  for line in p:lines() do files[#files + 1] = line end
  p:close()
  return files
end

local function is_dir(path)
  local f = io.open(path, "r")
  if not f then return nil end
  local _, _, code = f:read(1)
  f:close()
  return code == 21 -- EISDIR
end

-- A registry of rule files from paths (folders of *.lua files, or files).
-- Methods: resolve(doc, forced_site) -> rule, site name.
function rules.registry(paths)
  local reg = { by_name = {}, by_domain = {}, list = {} }
  for _, path in ipairs(paths or {}) do
    local files
    if is_dir(path) then
      files = lua_files(path)
    else
      local f, err = io.open(path, "r")
      if not f then error({ exit = 1, message = ("stet: cannot read rules %s"):format(err) }, 0) end
      f:close()
      files = { path }
    end
    for _, file in ipairs(files) do
      local rule = rules.load_file(file)
      if reg.by_name[rule.name] then
        rule_error(file, ("site '%s' is already defined by %s"):format(rule.name, reg.by_name[rule.name].file))
      end
      reg.by_name[rule.name] = rule
      reg.list[#reg.list + 1] = rule
      for _, d in ipairs(rule.domains) do reg.by_domain[d] = reg.by_domain[d] or rule end
    end
  end
  return setmetatable(reg, { __index = rules.registry_methods })
end

rules.registry_methods = {}

-- The host of a URL, lower-cased, without "www.".
local function host_of(url)
  local host = url:match("^%a[%w+.-]*://([^/?#:]+)") or url:match("^([%w.-]+%.%a%a+)")
  return host and host:lower():gsub("^www%.", "")
end

-- Finds the rule for a document: forced site, the record's site, the URL's
-- host (or a parent domain), the folder name; else the generic rules.
-- Returns the rule and the site name for the record (nil when unknown).
function rules.registry_methods.resolve(reg, doc, forced_site)
  local name = forced_site or doc.site
  if name then return reg.by_name[name] or rules.generic, name end
  if doc.url then
    local host = host_of(doc.url)
    while host do
      local rule = reg.by_domain[host]
      if rule then return rule, rule.name end
      host = host:match("^[^.]+%.(.+%..+)$")
    end
  end
  if doc.folder then return reg.by_name[doc.folder] or rules.generic, doc.folder end
  return rules.generic, nil
end

return rules
