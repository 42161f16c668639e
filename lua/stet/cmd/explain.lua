-- stet explain: each paragraph of a document with its fate and the rule
-- behind it; the tool to write a new site's rules with.

local stet = require "stet"
local args = require "stet.args"
local setup = require "stet.setup"
local readers = require "stet.readers"
local document = require "stet.document"
local pipeline = require "stet.pipeline"

local explain = {
  summary = "show each paragraph of a document with its fate and the rule behind it",
  usage = "stet explain [options] FILE",
  description = [[
FILE is a text file (one document) or a JSON Lines file (each record is
explained in turn; --id picks one). Boilerplate counts come from --corpus
(counted as `stet clean` counts them, duplicate clusters once) or --table.
Colours on a terminal; plain otherwise (or with --no-color). A document
that cannot be read or processed is named on stderr with the reason; when
no document could be explained the exit code is 2.]],
  options = setup.options({
    { name = "id", arg = "ID", help = "explain only the record with this id" },
    { name = "corpus", arg = "PATH", list = true, help = "count boilerplate over these inputs, as clean does" },
    { name = "table", arg = "FILE", help = "paragraph counts from `stet hash`" },
    { name = "boilerplate", arg = "N", number = true, default = 3, help = "boilerplate threshold" },
    { name = "near", arg = "T", number = true, default = 0.7, help = "near-duplicate threshold (with --corpus)" },
    { name = "color", default = true, help = "colour output on a terminal" },
    { name = "json", help = "one JSON object per document instead of text" },
  }),
}

local COLORS = { keep = "32", drop = "31", cut = "33", boilerplate = "35", head = "36", meta = "1" }

local function painter(on)
  return function(kind, s)
    if not on then return s end
    return "\27[" .. COLORS[kind] .. "m" .. s .. "\27[0m"
  end
end

local HEAD = { date = true, title = true, byline = true }

-- The fate of a paragraph as a short word and its colour class.
function explain.fate(p)
  if not p.drop then return "kept", "keep" end
  if p.drop == "boilerplate" then return ("boilerplate (%d docs)"):format(p.count or 0), "boilerplate" end
  if p.drop == "cut" then
    if p.marker then return ("cut (marker %s)"):format(p.marker), "cut" end
    return "cut", "cut"
  end
  if HEAD[p.drop] then return p.drop, "head" end
  return ("dropped (%s)"):format(p.drop), "drop"
end

-- The explanation of one processed document as text.
function explain.render(doc, paint)
  local out = {}
  local function meta(k, v) out[#out + 1] = paint("meta", ("%-8s"):format(k)) .. " " .. tostring(v) end
  meta("id", doc.id)
  meta("source", doc.source or "-")
  meta("site", (doc.site or "(none)") .. "  rules: " .. (doc.rule and doc.rule.file or "generic"))
  meta("title", doc.title or "-")
  meta("date", doc.date or "-")
  meta("authors", (doc.authors and #doc.authors > 0) and table.concat(doc.authors, "; ") or "-")
  if doc.dropped then meta("dropped", doc.dropped) end
  out[#out + 1] = ""
  for _, p in ipairs(doc.paragraphs) do
    local fate, kind = explain.fate(p)
    local text = p.text:gsub("\n", " ")
    if #text > 160 then text = text:sub(1, 157):gsub("[\128-\191]*$", "") .. "..." end
    out[#out + 1] = ("%3d  %s  %s"):format(p.index, paint(kind, ("%-26s"):format(fate)), text)
  end
  return table.concat(out, "\n") .. "\n"
end

-- The explanation of one processed document as a JSON line:
-- { id, site, rules, title, date, authors, dropped, paragraphs = [
--   { index, fate = kept|dropped|cut|boilerplate|head, label, count, marker, text } ] }
function explain.json(doc)
  local json = require "stet.json"
  local paras = {}
  for _, p in ipairs(doc.paragraphs) do
    local fate = not p.drop and "kept" or p.drop == "boilerplate" and "boilerplate"
      or p.drop == "cut" and "cut" or HEAD[p.drop] and "head" or "dropped"
    paras[#paras + 1] = json.ordered({ index = p.index, fate = fate, label = p.drop, count = p.count,
      marker = p.marker, text = p.text }, { "index", "fate", "label", "count", "marker", "text" })
  end
  return json.encode(json.ordered({
    id = doc.id, site = doc.site, rules = doc.rule and doc.rule.file, title = doc.title, date = doc.date,
    authors = json.array(doc.authors or {}), dropped = doc.dropped, paragraphs = json.array(paras),
  }, { "id", "site", "rules", "title", "date", "authors", "dropped", "paragraphs" })) .. "\n"
end

-- Counts boilerplate over a corpus the way clean does (its first pass).
local function corpus_counter(ctx, paths)
  local c = setmetatable({ paths = paths }, { __index = ctx })
  local _, _, counter = pipeline.analyze(c, pipeline.new_stats())
  return counter
end

function explain.run(opts, files)
  if #files ~= 1 then args.usage_error("explain", "give one FILE") end
  local ctx = setup.context(opts, files, "explain")
  ctx.boilerplate = opts.boilerplate
  ctx.near = opts.near
  local counter
  if opts.corpus then counter = corpus_counter(ctx, opts.corpus) end
  if opts.table then
    local t, err = stet.load_counter(opts.table)
    if not t then error({ exit = 2, message = "stet explain: " .. err }, 0) end
    if counter then counter:merge(t) else counter = t end
  end
  local paint = painter(opts.color and stet.isatty(1))
  local shown, rejected = 0, 0
  -- a document that cannot be explained is named on stderr, so that the
  -- --json stream holds only explanations
  local function reject(id, why)
    rejected = rejected + 1
    io.stderr:write("stet explain: ", stet.reject_message({ id = id, reject = why }), "\n")
  end
  for raw in readers.open(files, ctx.reader) do
    if not opts.id or raw.id == opts.id then
      if raw.reject then
        reject(raw.id or raw.source, raw.reject)
      else
        local doc, err = document.process(raw, ctx)
        if not doc then
          reject(raw.id, err)
        else
          if shown > 0 and not opts.json then io.stdout:write("\n") end
          shown = shown + 1
          pipeline.apply_boilerplate(doc, counter, opts.boilerplate)
          io.stdout:write(opts.json and explain.json(doc) or explain.render(doc, paint))
        end
      end
    end
  end
  if shown == 0 then
    if rejected > 0 then return 2 end
    error({ exit = 2, message = ("stet explain: no document%s in %s"):format(
      opts.id and (" with id " .. opts.id) or "", files[1]) }, 0)
  end
  return 0
end

return explain
