-- stet.document: one raw document through normalize, segment and site rules.
--
--   local doc, err = document.run(raw, ctx)      -- the pipeline's form
--   local doc, err = document.process(raw, ctx)  -- with doc.paragraphs
--
-- raw is what stet.readers yields ({ id, source, text, url, site, title,
-- date, meta, folder, ... }); ctx holds the rule registry and options. The
-- paragraphs live in C (doc._d, core/lua_document.c): their text, key,
-- fingerprint and fate. document.process adds the tables a hook sees
-- (docs/rules.md):
--   doc.paragraphs[i] = { text, index, fp, drop = nil | label, marker, count }
-- and document.run makes them only when a hook reads doc.paragraphs.
-- doc.dropped is set (a reason) when a hook dropped the whole document.
-- On a rule error or budget overrun, returns nil and the reason. Nothing in
-- here touches state shared between documents, so workers can run it on
-- their own Lua state.

local stet = require "stet"
local rules = require "stet.rules"

local document = {}

local BUDGET_ERROR = setmetatable({}, { __tostring = function() return "instruction budget exceeded" end })

local function budget_hook()
  -- keep failing on every instruction, so a pcall inside the rule cannot
  -- swallow the error and carry on
  debug.sethook(budget_hook, "", 1)
  error(BUDGET_ERROR, 0)
end

-- Calls a rule hook under the instruction and memory budgets. The hook runs
-- in a coroutine of its own, so the instruction count hook (which is per
-- coroutine) never fires outside it. Returns true, results... or false,
-- reason.
-- Lifts the memory budget first thing after the hook: until then any
-- allocation (even of the table holding the results) could fail.
local function unbudgeted(...)
  stet.memory_budget(nil)
  return table.pack(...)
end

local function call_hook(ctx, rule, fn, ...)
  local co = coroutine.create(fn)
  debug.sethook(co, budget_hook, "", ctx.rule_instructions or 10000000)
  stet.memory_budget(ctx.rule_memory or (64 << 20))
  local res = unbudgeted(coroutine.resume(co, ...))
  if res[1] and coroutine.status(co) ~= "dead" then
    res = { false, "a rule hook may not yield", n = 2 }
  end
  if res[1] then return table.unpack(res, 1, res.n) end
  local err = res[2]
  local reason
  if err == BUDGET_ERROR then
    reason = ("instruction budget of %d exceeded"):format(ctx.rule_instructions or 10000000)
  elseif stet.memory_budget_hit() then
    reason = ("memory budget of %d bytes exceeded"):format(ctx.rule_memory or (64 << 20))
  else
    reason = tostring(err)
    if reason:sub(1, #rule.file + 1) == rule.file .. ":" then return false, "rule error: " .. reason end
  end
  return false, ("rule error: %s: %s"):format(rule.file, reason)
end
document.call_hook = call_hook

-- A plausible headline: short, not a sentence ending with a full stop.
local function is_title(text)
  if #text > 300 or text:find("\n", 1, true) then return false end
  local words = select(2, text:gsub("%S+", ""))
  return words >= 1 and words <= 30 and not text:match("[%.:;,]$")
end

-- "By Jane Doe, John Roe and Ann Poe" -> { "Jane Doe", "John Roe", "Ann Poe" }
function document.parse_byline(text)
  local names = text:match("^[Bb][Yy]:? +(.+)$")
  if not names or #names > 200 then return nil end
  names = names:gsub("%s*|.*$", ""):gsub("%.$", "")
  local out = {}
  for part in (names:gsub(",? and ", ", "):gsub(" & ", ", ") .. ","):gmatch("%s*([^,]-)%s*,") do
    if part ~= "" then
      if not part:match("^%u") then return nil end
      out[#out + 1] = part
    end
  end
  return #out > 0 and out or nil
end

-- doc.paragraphs, the array of paragraph tables that hooks see, is made
-- from the C document (doc._d) when a hook first reads it; after the hook,
-- what it holds is written back (sync).
local DOC_MT = {
  __index = function(doc, k)
    if k == "paragraphs" and rawget(doc, "_d") then
      local paras = doc._d:tables()
      rawset(doc, "paragraphs", paras)
      return paras
    end
  end,
}

-- Writes doc.paragraphs back into the C document if a hook made it.
local function sync(doc)
  local paras = rawget(doc, "paragraphs")
  if paras then
    doc._d:load_tables(paras)
    doc.paragraphs = nil
  end
end

-- The table a function matcher or paragraph hook gets for paragraph i.
local function para_table(d, i)
  return { text = d:text(i), index = i, fp = d:fp(i), drop = d:label(i) }
end

-- Takes the head paragraphs (date, title, byline) off the top. Scrapes
-- often put the date and headline on consecutive lines of one paragraph, so
-- the head is matched line by line: a matched first line is split off into
-- a paragraph of its own.
local function apply_head(rule, doc, d, ctx)
  local i = 1
  for _, h in ipairs(rule.head) do
    if i > #d then break end
    local text = d:text(i)
    local nl = text:find("\n", 1, true)
    if nl then text = text:sub(1, nl - 1) end
    if h.pattern then
      local cap = text:match(h.pattern)
      if not cap then break end
      if type(cap) == "string" then text = cap end
    end
    if h.kind == "date" then
      local iso = stet.date(text, { dayfirst = h.dayfirst, reference = ctx.reference })
      if not iso then break end
      doc.date = doc.date or iso
    elseif h.kind == "title" then
      if not is_title(text) then break end
      doc.title = doc.title or text
    elseif h.kind == "byline" then
      local names = document.parse_byline(text)
      if not names then break end
      if #doc.authors == 0 then doc.authors = names end
    end
    if nl then d:split_line(i) end
    d:set_label(i, h.kind)
    i = i + 1
  end
  return i
end

-- Applies the declarative drops of one rule to the paragraphs still kept.
-- The rule's C pattern set labels them in one call (d:scan); paragraphs
-- that a function matcher listed before their first matching pattern could
-- still claim (it passes the matcher's max_length and contains tests) come
-- back to be decided here.
local function apply_drops(rule, doc, d, first, last, ctx, limit)
  local set, fns = rule.drop_set, rule.drop_fns
  local checks
  if set then
    local ok, res = pcall(d.scan, d, set, first, last, limit or 0, rule.drop_map, rule.drop_labels, fns)
    if not ok then return false, ("rule %s: %s"):format(rule.file, res) end
    checks = res
  else
    checks = {}
    for i = first, math.min(last, #d) do
      if not d:label(i) and (not limit or #d:text(i) <= limit) then
        checks[#checks + 1] = i
        checks[#checks + 1] = 0
      end
    end
  end
  return document.resolve_checks(rule, doc, d, checks, ctx)
end

-- Decides the paragraphs d:scan left to the rule's function matchers
-- (checks: index, pattern position pairs; position 0 when no pattern
-- matched). Returns true, or false and the reason a matcher failed.
function document.resolve_checks(rule, doc, d, checks, ctx)
  -- doc may be a function that makes the document table, called only when
  -- a matcher that takes it (a second parameter) is called
  local make
  if type(doc) == "function" then make, doc = doc, nil end
  local fns, drops = rule.drop_fns, rule.drops
  for c = 1, #checks, 2 do
    local i = checks[c]
    local pos = checks[c + 1]
    if pos == 0 then pos = math.huge end
    local p
    for _, f in ipairs(fns) do
      if f.pos > pos then break end
      p = p or para_table(d, i)
      local text = p.text
      if (f.max_length == 0 or #text <= f.max_length) and
         (not f.contains or text:find(f.contains, 1, true)) then
        local hit, arg
        if f.needs_doc then
          doc = doc or make()
          arg = doc
        end
        if f.m.trusted then
          hit = f.m.fn(p, arg)
        else
          local ok
          ok, hit = call_hook(ctx, rule, f.m.fn, p, arg)
          if arg then sync(arg) end
          if not ok then return false, hit end
        end
        if hit then
          pos = f.pos
          break
        end
      end
    end
    if pos ~= math.huge then d:set_label(i, drops[pos].label) end
  end
  return true
end

-- Finds the first cut marker at or after `first`; drops it and all after it.
local function apply_cut(rule, d, first)
  local set = rule.cut_set
  if not set then return #d end
  local i, k = d:cut(set, first)
  if not i then return #d end
  local c = rule.cuts[rule.cut_map[k]]
  d:set_marker(i, c.name or c.pattern)
  return i - 1
end

-- Runs the paragraph hook on the kept paragraphs (pandoc's contract).
local function apply_paragraph_hook(rule, doc, d, ctx)
  for i = 1, #d do
    if not d:label(i) then
      local p = para_table(d, i)
      local text = p.text
      local ok, res, label = call_hook(ctx, rule, rule.paragraph, p, doc)
      sync(doc)
      if not ok then return false, res end
      if i <= #d then
        if type(res) == "string" then
          d:set_text(i, res)
        elseif res == false or (type(res) == "table" and next(res) == nil) then
          d:set_label(i, type(label) == "string" and label or rule.name)
        else -- a hook that changed p itself
          if type(p.text) == "string" and p.text ~= text then d:set_text(i, p.text) end
          if p.drop then d:set_label(i, type(p.drop) == "string" and p.drop or rule.name) end
        end
      end
    end
  end
  return true
end

local function normalize_date(value, ctx)
  if type(value) ~= "string" or value == "" then return nil end
  return stet.date(value, ctx.reference ~= nil and { reference = ctx.reference } or nil) or nil
end
document.normalize_date = normalize_date

-- The document table of raw (what hooks see), without paragraphs yet.
local function new_doc(raw, ctx, rule, site)
  local meta = raw.meta or {}
  local doc = setmetatable({
    id = raw.id, source = raw.source, line = raw.line, site = site, url = raw.url,
    title = raw.title, date = normalize_date(raw.date, ctx), authors = {},
    meta = meta, rule = rule, bytes = raw.bytes or #raw.text,
  }, DOC_MT)
  if raw.date and not doc.date then meta.date_text = raw.date end
  if type(meta.authors) == "table" then
    for _, a in ipairs(meta.authors) do doc.authors[#doc.authors + 1] = tostring(a) end
    meta.authors = nil
  end
  return doc
end

-- The lane plan of a rule (core/lua_lane.c: pass 1 of a plain text file in
-- one C call), or nil when the rule needs Lua for more than its function
-- matchers: a head, a paragraph or document hook, or function matchers
-- without patterns (every paragraph would be theirs to decide).
local function stage_of(rule, limit)
  if not rule.drop_set and #rule.drop_fns > 0 then return nil end
  return { drop = rule.drop_set, pos_of = rule.drop_map, labels = rule.drop_labels,
           fns = rule.drop_fns, limit = limit or 0 }
end

function document.lane_plan(rule, ctx)
  if #rule.head > 0 or rule.paragraph or rule.document then return nil end
  local generic_max = ctx.generic_max or require("stet.sites.generic").max_length
  local first = stage_of(rule, rule.is_generic and generic_max or nil)
  if not first then return nil end
  if rule.cut_set then
    local names = {}
    for k, n in ipairs(rule.cut_map) do
      local c = rule.cuts[n]
      names[k] = c.name or c.pattern
    end
    first.cut, first.cut_names = rule.cut_set, names
  end
  local stages = { first }
  if rule.generic and not rule.is_generic then
    stages[2] = stage_of(rules.generic, generic_max)
    if not stages[2] then return nil end
  end
  local mh = ctx.near and ctx.near > 0 and (ctx.minhash or {}) or nil
  return stet._lane_plan({
    rule = rule.name, lines = rule.lines, normalize = ctx.normalize,
    minhash = mh and { shingle = mh.shingle or 5, hashes = mh.hashes } or nil,
    stages = stages,
    -- what a function matcher sees is the document table stet.document.run
    -- would have made (line, url, title, date: a JSON line's)
    resolve = function(d, checks, stage, id, source, site, bytes, line, url, title, date)
      local r = stage == 1 and rule or rules.generic
      return (document.resolve_checks(r, function()
        local raw = { id = id, source = source, meta = {}, bytes = bytes, line = line, url = url,
                      title = title, date = date }
        local doc = new_doc(raw, ctx, rule, site)
        doc._d = d
        return doc
      end, d, checks, ctx))
    end,
  })
end

-- Processes one raw document into the C document doc._d (the pipeline's
-- form; doc.paragraphs is made only if a hook reads it). Returns doc, or
-- nil and a reason (rejected).
-- d, rule, site (optional): the C document of raw's normalized text
-- (stet._doc_file) and raw's rule and site, when the caller has them.
function document.run(raw, ctx, d, rule, site)
  if not rule then rule, site = ctx.registry:resolve(raw, ctx.site) end
  local doc = new_doc(raw, ctx, rule, site)
  d = d or stet._doc(stet.normalize(raw.text, ctx.normalize), rule.lines)
  doc._d = d
  local first = apply_head(rule, doc, d, ctx)
  local last = apply_cut(rule, d, first)
  -- the generic rules only look at paragraphs up to generic_max bytes, so
  -- long body text is safe from them whatever it mentions
  local generic_max = ctx.generic_max or require("stet.sites.generic").max_length
  local ok, err = apply_drops(rule, doc, d, first, last, ctx, rule.is_generic and generic_max or nil)
  if ok and rule.generic and not rule.is_generic then
    ok, err = apply_drops(rules.generic, doc, d, first, last, ctx, generic_max)
  end
  if ok and rule.paragraph then ok, err = apply_paragraph_hook(rule, doc, d, ctx) end
  if ok and rule.document then
    local res, reason
    ok, res, reason = call_hook(ctx, rule, rule.document, doc)
    sync(doc)
    if not ok then err = res
    elseif res == false then doc.dropped = type(reason) == "string" and reason or rule.name end
  end
  if not ok then return nil, ("%s (document %s)"):format(err, tostring(raw.id)) end
  return doc
end

-- Processes one raw document (document.run) and gives it doc.paragraphs:
-- { text, index, fp, drop = nil | label, marker, count }. Returns doc, or
-- nil and a reason (rejected).
function document.process(raw, ctx)
  local doc, err = document.run(raw, ctx)
  if doc then
    local _ = doc.paragraphs
  end
  return doc, err
end

-- The kept paragraphs' texts.
function document.body(doc)
  local out = {}
  for _, p in ipairs(doc.paragraphs) do
    if not p.drop then out[#out + 1] = p.text end
  end
  return out
end

return document
