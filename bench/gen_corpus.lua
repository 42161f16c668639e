#!/usr/bin/env lua5.4
-- bench/gen_corpus.lua: a seeded, deterministic generator of a news-like
-- English corpus for `make bench` and for tests that want realistic input.
--
--   lua5.4 bench/gen_corpus.lua [--mb N] [--seed N] [--out DIR] [--quiet]
--   (defaults: 200 MB, seed 42, bench/out/corpus)
--
-- Writes, over the same documents:
--   DIR/text/<site>/<nnnnnn>.txt  one document per file (the raw page text)
--   DIR/corpus.jsonl              one JSON object per line: id, url, site,
--                                 title, date, text (text = the file's bytes)
--   DIR/corpus.txt                every document, each followed by "\n"
--   DIR/index.tsv                 per document: id, site, path, bytes,
--                                 dup_of (the original of a near duplicate,
--                                 or "-"), flags (invalid, mojibake, crlf,
--                                 nfd, spaces, or "-")
--   DIR/manifest.json             totals; written last, so its presence
--                                 means the corpus is complete
-- Documents hold invented prose (bench/corpus_words.lua), each site's own
-- boilerplate, near-duplicate copies (~5%) and a few broken encodings
-- (invalid UTF-8 bytes, mojibake, CRLF line ends, decomposed accents, odd
-- spaces). JSON strings carry invalid bytes raw, as scraped data does.
-- Only Lua integers and a private PRNG (splitmix64) decide the output, so it
-- is byte-identical on every machine for the same --mb and --seed.

local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
package.path = here .. "/?.lua;" .. package.path
local W = require "corpus_words"

local VERSION = 1

-- Options ------------------------------------------------------------------

local function usage(msg)
  io.stderr:write((msg and ("gen_corpus: " .. msg .. "\n") or "")
    .. "usage: lua5.4 bench/gen_corpus.lua [--mb N] [--seed N] [--out DIR] [--quiet]\n")
  os.exit(msg and 1 or 0)
end

local opt = { mb = 200, seed = 42, out = "bench/out/corpus", quiet = false }
do
  local i = 1
  while i <= #arg do
    local a = arg[i]
    local key, value = a:match("^%-%-(%w+)=(.*)$")
    key = key or a:match("^%-%-(%w+)$")
    if key == "help" then usage() end
    if key == "quiet" then
      opt.quiet = true
    elseif key == "mb" or key == "seed" or key == "out" then
      if value == nil then
        i = i + 1
        value = arg[i]
      end
      if value == nil then usage("--" .. key .. " wants a value") end
      opt[key] = value
    else
      usage("unknown argument " .. a)
    end
    i = i + 1
  end
  opt.mb = tonumber(opt.mb)
  if not opt.mb or opt.mb <= 0 then usage("--mb wants a positive number") end
  opt.seed = math.tointeger(tonumber(opt.seed))
  if not opt.seed then usage("--seed wants an integer") end
end

local TARGET = math.floor(opt.mb * 1000000)

-- PRNG: splitmix64 on wrapping Lua integers ----------------------------------

local state = opt.seed
local function next64()
  state = state + 0x9E3779B97F4A7C15
  local z = state
  z = (z ~ (z >> 30)) * 0xBF58476D1CE4E5B9
  z = (z ~ (z >> 27)) * 0x94D049BB133111EB
  return z ~ (z >> 31)
end

-- An integer in 0 .. n-1.
local function rand(n)
  return (next64() >> 11) % n
end

local function pick(t)
  return t[(next64() >> 11) % #t + 1]
end

-- Slot functions: numbers, names, times ------------------------------------

local NUM_WORDS = { "two", "three", "four", "five", "six", "seven", "eight", "nine", "10", "11", "12", "15" }

local F = {}
function F.person()
  if rand(10) == 0 then
    return pick(W.first) .. " " .. string.char(65 + rand(26)) .. ". " .. pick(W.last)
  end
  return pick(W.first) .. " " .. pick(W.last)
end
function F.money()
  local r = rand(10)
  if r < 3 then return "$" .. (rand(999) + 1) .. "," .. rand(10) .. "00" end
  if r < 7 then return "$" .. (rand(99) + 1) .. "." .. rand(10) .. " million" end
  if r < 9 then return "$" .. (rand(40) + 1) .. " million" end
  return "$" .. (rand(9) + 1) .. "." .. rand(10) .. " billion"
end
function F.num()
  local r = rand(4)
  if r == 0 then return tostring(rand(88) + 12) end
  if r == 1 then return tostring(rand(900) + 100) end
  return (rand(40) + 1) .. "," .. string.format("%03d", rand(1000))
end
function F.num_small() return pick(NUM_WORDS) end
function F.pct()
  local r = rand(3)
  if r == 0 then return (rand(40) + 1) .. "." .. rand(10) .. " percent" end
  if r == 1 then return (rand(60) + 2) .. " percent" end
  return (rand(30) + 1) .. "%"
end
function F.time()
  local r = rand(5)
  local h = rand(12) + 1
  if r == 0 then return "noon" end
  if r < 3 then return h .. ":" .. string.format("%02d", rand(4) * 15) .. (rand(2) == 0 and " a.m." or " p.m.") end
  return h .. (rand(2) == 0 and " a.m." or " p.m.")
end
function F.day() return tostring(rand(28) + 1) end
function F.year() return tostring(1998 + rand(26)) end
function F.age() return tostring(19 + rand(70)) end
function F.small() return tostring(rand(9) + 1) end
function F.digit() return tostring(rand(10)) end
function F.price() return (rand(440) + 10) .. "." .. string.format("%02d", rand(100)) end

-- Templates ----------------------------------------------------------------
-- A compiled template is an array of literal strings and slot tables
-- { f = function } or { list = compiled list }, with cap = true to
-- capitalize the value. A compiled list holds strings and templates.

local function upper_first(s)
  local c = s:byte(1)
  if c and c >= 97 and c <= 122 then return string.char(c - 32) .. s:sub(2) end
  return s
end

local compile

local function get_list(key, env, cache)
  local got = cache[key]
  if got then return got end
  local src = env[key] or W[key]
  if type(src) ~= "table" then error("corpus_words: unknown slot {" .. key .. "}") end
  got = {}
  cache[key] = got
  for i, e in ipairs(src) do
    got[i] = e:find("{", 1, true) and compile(e, env, cache) or e
  end
  return got
end

function compile(s, env, cache)
  local tpl, pos = {}, 1
  while true do
    local a, b, name = s:find("{(%a[%w_]*)}", pos)
    if not a then break end
    if a > pos then tpl[#tpl + 1] = s:sub(pos, a - 1) end
    local cap = name:find("^%u") ~= nil
    local key = name:sub(1, 1):lower() .. name:sub(2)
    if F[key] then
      tpl[#tpl + 1] = { f = F[key], cap = cap }
    else
      local list = get_list(key, env, cache)
      tpl[#tpl + 1] = { list = list, n = #(env[key] or W[key]), cap = cap }
    end
    pos = b + 1
  end
  if pos <= #s then tpl[#tpl + 1] = s:sub(pos) end
  return tpl
end

-- The expansion buffer: expand() appends pieces, take() joins and resets.
local buf, bn = {}, 0

local type = type

local function expand(tpl)
  for i = 1, #tpl do
    local t = tpl[i]
    if type(t) == "string" then
      bn = bn + 1
      buf[bn] = t
    else
      local start = bn + 1
      local f = t.f
      if f then
        bn = start
        buf[bn] = f()
      else
        -- next64(), inlined: this is the hot loop of the generator
        state = state + 0x9E3779B97F4A7C15
        local z = state
        z = (z ~ (z >> 30)) * 0xBF58476D1CE4E5B9
        z = (z ~ (z >> 27)) * 0x94D049BB133111EB
        z = z ~ (z >> 31)
        local list = t.list
        local e = list[(z >> 11) % t.n + 1]
        if type(e) == "string" then
          bn = start
          buf[bn] = e
        else
          expand(e)
        end
      end
      if t.cap then buf[start] = upper_first(buf[start]) end
    end
  end
end

local function put(s)
  bn = bn + 1
  buf[bn] = s
end

local function take()
  local s = table.concat(buf, "", 1, bn)
  bn = 0
  return s
end

local function expand_string(tpl)
  bn = 0
  expand(tpl)
  return take()
end

-- Topics: every topic's sentences and headlines, compiled once.
local topics = {}
for i, t in ipairs(W.topics) do
  local cache = {}
  local c = { name = t.name, sentences = {}, headlines = {} }
  for j, s in ipairs(W.sentences) do c.sentences[j] = compile(s, t, cache) end
  for j, s in ipairs(W.headlines) do c.headlines[j] = compile(s, t, cache) end
  topics[i] = c
end

-- Sites: compiled promos, a staff of bylines and photographers each.
local sites = {}
for i, s in ipairs(W.sites) do
  local site = setmetatable({ promo = {}, staff = {}, photographers = {}, recent = {} }, { __index = s })
  for j, p in ipairs(s.promo) do site.promo[j] = compile(p, W.topics[1], {}) end
  for j = 1, 12 do site.staff[j] = F.person() end
  for j = 1, 10 do site.photographers[j] = F.person() end
  sites[i] = site
end

-- Dates --------------------------------------------------------------------

local MONTH_DAYS = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }

-- Day number 0 = 2021-01-01. Returns year, month, day.
local function civil(dayno)
  local y = 2021
  while true do
    local len = (y % 4 == 0) and 366 or 365
    if dayno < len then break end
    dayno = dayno - len
    y = y + 1
  end
  for m = 1, 12 do
    local len = MONTH_DAYS[m] + ((m == 2 and y % 4 == 0) and 1 or 0)
    if dayno < len then return y, m, dayno + 1 end
    dayno = dayno - len
  end
end

-- Broken encodings and odd text ----------------------------------------------

local BAD_BYTES = {
  "\xFF", "\xC3 ", "\xE2\x80 ", "\xED\xA0\x80", "\xC0\xAF", "\xF5\x80\x80\x80", "\x80", "\xFE\xFE",
}

-- Inserts one invalid sequence after a space of paragraph p.
local function insert_invalid(p)
  local at = p:find(" ", rand(#p) + 1, true) or p:find(" ", 1, true)
  if not at then return p .. pick(BAD_BYTES) end
  return p:sub(1, at) .. pick(BAD_BYTES) .. p:sub(at + 1)
end

-- Windows-1252 code points of bytes 0x80..0x9F (the rest are Latin-1);
-- the five undefined bytes map to their C1 control, as sloppy decoders do.
local CP1252 = {
  0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
  0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
  0x0153, 0x9D, 0x017E, 0x0178,
}
local mojibake_cache = {}

-- UTF-8 text decoded as Windows-1252 and encoded again: "é" -> "Ã©".
local function mojibake(text)
  return (text:gsub("[\xC2-\xF4][\x80-\xBF]+", function(c)
    local m = mojibake_cache[c]
    if not m then
      local t = {}
      for k = 1, #c do
        local b = c:byte(k)
        t[k] = utf8.char(b >= 0x80 and b <= 0x9F and CP1252[b - 0x7F] or b)
      end
      m = table.concat(t)
      mojibake_cache[c] = m
    end
    return m
  end))
end

-- Canonical decompositions of the accented letters the word lists use.
local NFD = {}
do
  local function add(chars, bases, mark)
    local i = 0
    for _, c in utf8.codes(chars) do
      i = i + 1
      NFD[utf8.char(c)] = bases:sub(i, i) .. mark
    end
  end
  add("àèìòù", "aeiou", "\u{300}")
  add("áéíóúÁÉ", "aeiouAE", "\u{301}")
  add("âêîôû", "aeiou", "\u{302}")
  add("ãñõÃ", "anoA", "\u{303}")
  add("äëïöüÖÜ", "aeiouOU", "\u{308}")
  add("å", "a", "\u{30A}")
  add("ç", "c", "\u{327}")
  add("čřš", "crs", "\u{30C}")
end

local function decompose(text)
  return (text:gsub("[\xC3\xC4\xC5][\x80-\xBF]", NFD))
end

-- No-break spaces, a zero-width space and a soft hyphen, as pasted text has.
local function odd_spaces(text)
  text = text:gsub(" percent", "\u{A0}percent"):gsub("Mr%. ", "Mr.\u{A0}"):gsub("%$(%d+) million", "$%1\u{202F}million")
  return (text:gsub("%. ", ".\u{200B} ", 1):gsub("government", "gov\u{AD}ernment"))
end

-- Near-duplicate edits -------------------------------------------------------

local EDIT_WORDS = { "officials", "residents", "Tuesday", "Wednesday", "several", "nearly", "local", "state",
  "new", "about", "many", "county" }

-- Replaces the k-th word of paragraph p with another word.
local function edit_word(p)
  local _, count = p:gsub("%a+", "")
  if count == 0 then return p end
  local k, i = rand(count) + 1, 0
  return (p:gsub("%a+", function(w)
    i = i + 1
    if i == k then return pick(EDIT_WORDS) end
    return w
  end))
end

-- A copy of body with a few words edited, maybe a paragraph dropped.
local function near_copy(body)
  local out = table.move(body, 1, #body, 1, {})
  for _ = 1, 2 + rand(4) do
    local j = rand(#out) + 1
    out[j] = edit_word(out[j])
  end
  if #out > 4 and rand(3) == 0 then out[#out] = nil end
  return out
end

-- Documents ----------------------------------------------------------------

local function gen_body(topic, site)
  local body = {}
  local np = 6 + rand(14)
  local sentences = topic.sentences
  for p = 1, np do
    bn = 0
    if p == 1 and rand(10) < 7 then
      put(pick(W.dateline))
      if site.wire then put(" (" .. site.agency .. ")") end
      put(" — ")
    end
    local r = rand(10)
    local ns = (r < 3) and 1 or (r < 8) and 2 or 3
    for s = 1, ns do
      if s > 1 then put(" ") end
      expand(sentences[(next64() >> 11) % #sentences + 1])
    end
    body[p] = take()
  end
  return body
end

local function byline(site, y, m, d)
  local author = pick(site.staff)
  local style = site.dateline_style
  if style == "long" then
    return "By " .. author .. "\nPublished " .. W.month[m] .. " " .. d .. ", " .. y .. " at " .. F.time()
  elseif style == "short" then
    return "By " .. author .. " | " .. W.month_abbr[m] .. " " .. d .. ", " .. y
  elseif style == "iso" then
    return author .. "\n" .. string.format("%04d-%02d-%02d", y, m, d)
  end
  return "By " .. author .. "\nUpdated " .. (rand(12) + 1) .. ":" .. string.format("%02d", rand(60))
    .. (rand(2) == 0 and " AM" or " PM") .. " ET, " .. W.month[m] .. " " .. d .. ", " .. y
end

-- The whole page: boilerplate of the site around title and body.
local function page(site, title, body, y, m, d)
  local parts, n = {}, 0
  local function add(s)
    n = n + 1
    parts[n] = s
  end
  if site.nav then add(site.nav) end
  add(title)
  add(byline(site, y, m, d))
  if rand(3) == 0 then
    local who = pick(site.photographers)
    add(site.agency == "AP" and (who .. " / AP") or ("Photo: " .. who .. " / " .. site.display))
  end
  for i, p in ipairs(body) do
    add(p)
    if site.ad and i % site.ad_every == 0 and i < #body then add(site.ad) end
    if i == site.promo_at and i < #body then add(expand_string(pick(site.promo))) end
  end
  local recent = site.recent
  if #recent >= 3 then
    local k = rand(#recent - 2)
    add(site.teaser .. "\n" .. recent[k + 1] .. "\n" .. recent[k + 2] .. "\n" .. recent[k + 3])
  end
  for i, f in ipairs(site.footer) do
    if not f:find("^Correction") or rand(5) == 0 then add(f) end
    if i == 1 and site.straight == nil and rand(8) == 0 then add("This story has been updated.") end
  end
  local text = table.concat(parts, site.lines and "\n" or "\n\n") .. "\n"
  if site.straight then
    -- (plain strings: a class such as "[“”]" would match single bytes)
    text = text:gsub("“", '"'):gsub("”", '"'):gsub("‘", "'"):gsub("’", "'"):gsub(" — ", " -- "):gsub("…", "...")
  end
  return text
end

-- JSON ------------------------------------------------------------------------

local JSON_ESC = { ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" }
for c = 0, 31 do
  local ch = string.char(c)
  JSON_ESC[ch] = JSON_ESC[ch] or string.format("\\u%04x", c)
end
JSON_ESC["\127"] = "\\u007f"

local function jstr(s)
  return '"' .. s:gsub('[%c"\\]', JSON_ESC) .. '"'
end

-- Output ----------------------------------------------------------------------

local function shell_quote(s)
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

local function must(ok, err)
  if not ok then
    io.stderr:write("gen_corpus: " .. tostring(err) .. "\n")
    os.exit(2)
  end
  return ok
end

local OUT = opt.out
os.execute("rm -rf " .. shell_quote(OUT .. "/text") .. " " .. shell_quote(OUT .. "/manifest.json"))
for _, s in ipairs(sites) do
  must(os.execute("mkdir -p " .. shell_quote(OUT .. "/text/" .. s.name)), "cannot create " .. OUT)
end
local jsonl = must(io.open(OUT .. "/corpus.jsonl", "wb"))
local txt = must(io.open(OUT .. "/corpus.txt", "wb"))
local index = must(io.open(OUT .. "/index.tsv", "wb"))
index:write("id\tsite\tpath\tbytes\tdup_of\tflags\n")
local jbuf, jn, tbuf, xbuf, pending = {}, 0, {}, {}, 0

local function flush()
  jsonl:write(table.concat(jbuf, "", 1, jn))
  txt:write(table.concat(tbuf, "", 1, jn))
  index:write(table.concat(xbuf, "", 1, jn))
  jn, pending = 0, 0
end

-- Features are scheduled one per block of `period` documents, at a random
-- place in the block (early in the first block, so small corpora have all).
local schedule = {
  dup = { period = 20, lo = 4, first = 12 },
  invalid = { period = 50, lo = 0, first = 16 },
  mojibake = { period = 50, lo = 0, first = 16 },
  crlf = { period = 50, lo = 0, first = 16 },
  nfd = { period = 60, lo = 0, first = 16 },
  spaces = { period = 40, lo = 0, first = 16 },
}
local FEATURES = { "dup", "invalid", "mojibake", "crlf", "nfd", "spaces" }

local function due(name, n)
  local s = schedule[name]
  if n % s.period == 0 then
    local hi = (n == 0) and s.first or s.period
    s.at = n + s.lo + rand(hi - s.lo)
  end
  return n == s.at
end

local t0 = os.clock()
local total, jbytes, nonascii, sampled, ndocs, ndups = 0, 0, 0, 0, 0, 0
local originals, norig = {}, 0 -- a ring of the last 40 originals
local est_docs = math.max(1, TARGET // 4600)
local n = 0
while total < TARGET do
  local is = {}
  for _, f in ipairs(FEATURES) do is[f] = due(f, n) end
  local site, title, body, topic, dup_of
  if is.dup and #originals > 0 then
    local o = originals[rand(#originals) + 1]
    site = rand(2) == 0 and o.site or pick(sites)
    title = (rand(2) == 0) and o.title or edit_word(o.title)
    body = near_copy(o.body)
    dup_of = o.id
    ndups = ndups + 1
  else
    site = sites[rand(#sites) + 1]
    topic = pick(topics)
    title = expand_string(pick(topic.headlines))
    body = gen_body(topic, site)
  end
  local clean_body = body -- what a later near duplicate copies
  if is.invalid then
    body = table.move(body, 1, #body, 1, {})
    for _ = 1, 1 + rand(3) do
      local j = rand(#body) + 1
      body[j] = insert_invalid(body[j])
    end
  end
  local y, m, d = civil(math.min(n * 1096 // est_docs + rand(3), 1460))
  local text = page(site, title, body, y, m, d)
  if is.nfd then text = decompose(text) end
  if is.spaces then text = odd_spaces(text) end
  if is.mojibake then text = mojibake(text) end
  if is.crlf then text = text:gsub("\n", "\r\n") end

  local num = string.format("%06d", n)
  local id = site.name .. "-" .. num
  local path = "text/" .. site.name .. "/" .. num .. ".txt"
  local f = must(io.open(OUT .. "/" .. path, "wb"))
  f:write(text)
  f:close()
  local date = string.format("%04d-%02d-%02d", y, m, d)
  local slug = title:lower():gsub("[^%w]+", "-"):gsub("^%-+", ""):gsub("%-+$", "")
  local url = "https://www." .. site.domain .. "/" .. string.format("%04d/%02d/%02d/", y, m, d) .. slug .. "-" .. n
  local line = '{"id":"' .. id .. '","url":' .. jstr(url) .. ',"site":"' .. site.name .. '","title":'
    .. jstr(title) .. ',"date":"' .. date .. '","text":' .. jstr(text) .. "}\n"
  local flags = {}
  for _, fname in ipairs(FEATURES) do
    if fname ~= "dup" and is[fname] then flags[#flags + 1] = fname end
  end
  jn = jn + 1
  jbuf[jn], tbuf[jn] = line, text .. "\n"
  xbuf[jn] = id .. "\t" .. site.name .. "\t" .. path .. "\t" .. #text .. "\t" .. (dup_of or "-") .. "\t"
    .. (#flags > 0 and table.concat(flags, ",") or "-") .. "\n"
  pending = pending + #line + #text
  if pending > 16000000 then flush() end

  total = total + #text
  jbytes = jbytes + #line
  if n % 4 == 0 then -- a sample: counting every byte in Lua costs ~10% of the run
    local _, na = text:gsub("[\128-\255]", "")
    nonascii, sampled = nonascii + na, sampled + #text
  end
  ndocs = ndocs + 1
  if not dup_of then
    norig = norig + 1
    originals[(norig - 1) % 40 + 1] = { id = id, site = site, title = title, body = clean_body }
    local recent = site.recent
    if #recent >= 30 then table.remove(recent, 1) end
    recent[#recent + 1] = title
  end
  n = n + 1
end
flush()
jsonl:close()
txt:close()
index:close()

local site_names = {}
for i, s in ipairs(sites) do site_names[i] = '"' .. s.name .. '"' end
local manifest = must(io.open(OUT .. "/manifest.json.tmp", "wb"))
manifest:write(string.format(
  '{"generator_version": %d, "seed": %d, "mb": %s, "documents": %d, "near_duplicates": %d,\n'
  .. ' "text_bytes": %d, "txt_bytes": %d, "jsonl_bytes": %d, "non_ascii_share": %.4f,\n "sites": [%s]}\n',
  VERSION, opt.seed, tostring(opt.mb), ndocs, ndups, total, total + ndocs, jbytes, nonascii / sampled,
  table.concat(site_names, ", ")))
manifest:close()
must(os.rename(OUT .. "/manifest.json.tmp", OUT .. "/manifest.json"))
if not opt.quiet then
  io.stderr:write(string.format("gen_corpus: %d documents (%d near duplicates), %.1f MB, %.2f%% non-ASCII, "
    .. "%.1f s CPU -> %s\n", ndocs, ndups, total / 1e6, 100 * nonascii / sampled, os.clock() - t0, OUT))
end
