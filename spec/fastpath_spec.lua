-- spec/fastpath_spec.lua: the fast word finder (stet.words, core/wordscan.h)
-- and the fast MinHash (stet.minhash) give exactly what their reference
-- paths give (stet._reference, core/lua_bench.c): the general UAX #29 rules
-- at every boundary, the block finder without AVX2, and a MinHash that keeps
-- every word hash of the reference words. Normalization, JSON escaping and
-- the paragraph splitter give with their AVX2 scans what they give with the
-- baseline ones. Inputs: the example corpus, and a
-- small benchmark-like corpus from bench/gen_corpus.lua (news prose with
-- ~3% non-ASCII, broken encodings, CRLF, decomposed accents).
local stet = require "stet"
local helpers = require "support.helpers"

local function slurp(path) return assert(helpers.slurp(path)) end

-- stet.words spans as a flat array start, stop, start, stop...
local function fast_words(s)
  local out = {}
  for _, sp in ipairs(stet.words(s, { spans = true })) do
    out[#out + 1] = sp.start
    out[#out + 1] = sp.stop
  end
  return out
end

local function hex(s) return (s:gsub(".", function(c) return ("%02x"):format(c:byte()) end)) end

local option_sets = { {}, { shingle = 1, hashes = 64 }, { shingle = 3, hashes = 200 }, { shingle = 9, hashes = 16 } }

-- Compares every path on s; name says which text failed.
local function check(s, name)
  local want = stet._reference("words", s)
  assert.is_true(#want > 0 or not s:find("%w"), name .. ": the reference found no words")
  assert.are.same(want, fast_words(s), name .. ": stet.words")
  assert.are.same(want, stet._reference("words_base", s), name .. ": baseline masks")
  for _, o in ipairs(option_sets) do
    local ref = hex(stet._reference("minhash", s, o))
    assert.are.equal(ref, hex(stet.minhash(s, o)), name .. ": stet.minhash")
    assert.are.equal(ref, hex(stet._reference("minhash_base", s, o)), name .. ": MinHash without AVX2")
  end
end

local function example_files()
  local files = io.popen("find examples/corpus -type f | LC_ALL=C sort")
  local list = {}
  for path in files:lines() do list[#list + 1] = path end
  files:close()
  return list
end

-- fn(text, path) for every file of the example corpus.
local function each_example(fn)
  local files = example_files()
  assert.is_true(#files >= 40)
  for _, path in ipairs(files) do fn(slurp(path), path) end
end

-- The corpus.txt of a benchmark-like corpus of about mb MB.
local function generated(mb, seed)
  local dir = os.tmpname()
  os.remove(dir)
  local cmd = ("lua5.4 bench/gen_corpus.lua --mb %s --seed %d --out %s --quiet"):format(mb, seed, helpers.quote(dir))
  assert(os.execute(cmd), "generator failed: " .. cmd)
  local s = slurp(dir .. "/corpus.txt")
  os.execute("rm -rf " .. helpers.quote(dir))
  assert.is_true(s:find("[\128-\255]") ~= nil)
  return s
end

-- fn(text, name) for plain with each of inserts put at each offset 0..last;
-- returns how many texts it made.
-- same(s, name) on every file of the example corpus, as it is and with CRLF
-- line ends (and, with blanks, with a blank before each line end), then on
-- a generated corpus of seed.
local function on_corpora(same, seed, blanks)
  each_example(function(s, path)
    same(s, path)
    same((s:gsub("\n", "\r\n")), path .. " (CRLF)")
    if blanks then same((s:gsub("\n", " \n")), path .. " (blank before each line end)") end
  end)
  same(generated(0.2, seed), "the generated corpus")
end

local function at_every_offset(plain, last, inserts, fn)
  local count = 0
  for p = 0, last do
    for _, x in ipairs(inserts) do
      fn(plain:sub(1, p) .. x .. plain:sub(p + 1), ("%q at byte %d"):format(x, p))
      count = count + 1
    end
  end
  return count
end

describe("fast words and MinHash against their reference paths", function()
  it("agree on every file of the example corpus, as it is and with CRLF line ends", function()
    local all = {}
    each_example(function(s, path)
      check(s, path)
      check((s:gsub("\n", "\r\n")), path .. " (CRLF)")
      all[#all + 1] = s
    end)
    check(table.concat(all, "\n\n"), "the whole example corpus")
  end)

  it("agree on a benchmark-like corpus, whole and in documents of about 5 KB", function()
    local s = generated(0.3, 7)
    assert.is_true(#s > 250000)
    check(s, "the generated corpus")
    -- the documents as bench/primitives.lua cuts them, so that many texts
    -- end inside a word's last 16 bytes
    local pos, count = 1, 0
    while pos <= #s do
      local stop = s:find("\n\n", pos + 5000, true) or #s
      check(s:sub(pos, stop), "document at byte " .. pos)
      check(s:sub(pos, stop - 1), "document at byte " .. pos .. " less its last byte")
      pos, count = stop + 1, count + 1
    end
    assert.is_true(count >= 40)
  end)

  it("agree on texts that end at every offset of a word", function()
    local text = "Don\u{2019}t stop: the U.S. grew 3.14% \u{2014} \u{201C}caf\u{E9}\u{201D}, "
      .. "e\u{301}cole 1,200.50 __init__ x_y ABCDEFGHIJKLMNOPQRSTUV end. "
      .. "a,b x:y 1;2 a;b 1:2 a'1 1'a 1\u{2019}2 a\u{2019}1 _.a a._ 9.a.b a:b:c\u{2019}d. "
      .. "caf\u{E9}'s na\u{EF}ve\u{D7}b 2\u{F7}3 \u{C9}.x \u{D6}_1 \u{DF}\u{E9}\u{301}t _\u{E9} "
      .. "\u{E9}\u{2014}x \u{FF}\u{201D} \u{E0}:b \u{C0}\u{E9}9z"
    for cut = 0, #text do
      check(text:sub(1, cut), "prefix of " .. cut .. " bytes")
      check(text:sub(cut + 1), "suffix from byte " .. cut + 1)
    end
  end)
end)

-- stet.normalize scans plain ASCII 32 bytes at a time with AVX2 where the
-- CPU has it (core/normalize.c); stet._reference("normalize_base") scans
-- with the baseline. Both must give the same text and counts, wherever
-- in a block the byte that stops the scan falls.
describe("normalization's AVX2 scan against the baseline", function()
  local norm_option_sets = {
    {}, { casefold = true }, { form = "NFKC", casefold = true, quotes = true },
    { spaces = false }, { newlines = false, controls = false }, { mojibake = true },
  }
  local function same(s, name)
    for k, o in ipairs(norm_option_sets) do
      local a, ar, am = stet.normalize(s, o)
      local b, br, bm = stet._reference("normalize_base", s, o)
      assert.are.equal(b, a, name .. ", options " .. k)
      assert.are.equal(br, ar, name .. ", repairs, options " .. k)
      assert.are.equal(bm, am, name .. ", mojibake, options " .. k)
    end
  end

  it("agree with a stop at every offset of three blocks", function()
    local plain = ("the quick brown fox jumps over a lazy dog 0123456789 "):rep(3)
    local stops = { " \n", "\t\n", "  \n\n", "A", "Z", "\1", "\127", "\r\n", "\r",
      "\u{E9}", "e\u{301}", "\u{2019}", "\u{A0}", "\u{200B}", "\xC3", "\xE2\x80",
      -- what the AVX2 scan may take whole under NFC, and what is next to it
      "\u{C0}", "\u{FF}", "\u{D7}", "\u{E9}\u{301}", "\u{E9}\u{E9}\u{E9}", "\u{2013}", "\u{2014}",
      "\u{2018}", "\u{201C}\u{201D}", "\u{2019}\u{301}", "\u{2026}", "\u{2022}", "\u{2009}",
      "\u{2028}", "\u{2060}", "\u{E9} \n", "\u{2019}\n", "\xC3\xC3\xA9", "\xE2\x80\x99\x99",
      "\xE2\x80\xC3\xA9", "\xC2\xA9", "\xC4\x81", "\xC3\x28", "A\u{301}" }
    assert.is_true(at_every_offset(plain, 100, stops, same) > 4000)
    for p = 0, 100 do
      -- a blank that ends one block and a newline that starts the next
      same(plain:sub(1, p) .. " " .. plain:sub(p + 1, p + 1) .. "\n" .. plain, "blank and newline at " .. p)
      -- runs of wide characters across blocks, then a stop
      same(plain:sub(1, p) .. ("\u{E9}\u{2019}"):rep(12) .. "\u{301}" .. plain, "wide run at " .. p)
      same(plain:sub(1, p) .. ("\u{201C}x "):rep(9) .. " \n" .. plain, "quotes, blank, newline at " .. p)
    end
  end)

  it("agree on the example corpus and on a benchmark-like corpus", function()
    on_corpora(same, 11, true)
  end)
end)

-- stet.json_quote (and the records stet clean writes) escape 32 bytes at a
-- time with AVX2 where the CPU has it (core/json.c), and the last bytes of
-- a string from the 32 that end it; stet._reference("json_quote_base")
-- escapes with the baseline.
describe("JSON escaping's AVX2 scan against the baseline", function()
  it("agree with a byte to escape at every offset, in strings of every length to 100", function()
    local plain = ("Plain text, caf\u{E9} 0123456789 and more words here. "):rep(3)
    local specials = { '"', "\\", "\n", "\r", "\t", "\1", "\31", "\127", '""', '\\"' }
    local checked = 0
    for len = 0, 100 do
      local base = plain:sub(1, len)
      assert.are.equal(stet._reference("json_quote_base", base), stet.json_quote(base), "length " .. len)
      for p = 0, len do
        for _, c in ipairs(specials) do
          local s = base:sub(1, p) .. c .. base:sub(p + 1)
          assert.are.equal(stet._reference("json_quote_base", s), stet.json_quote(s),
            ("%q at byte %d of %d"):format(c, p, len))
          checked = checked + 1
        end
      end
    end
    assert.is_true(checked > 50000)
    -- the baseline itself against what JSON says
    assert.are.equal('"a\\"b\\\\c\\nd\\u0001e\\u007f\u{E9}"', stet._reference("json_quote_base", 'a"b\\c\nd\1e\127\u{E9}'))
  end)

  it("agree on every file of the example corpus", function()
    each_example(function(s, path)
      assert.are.equal(stet._reference("json_quote_base", s), stet.json_quote(s), path)
    end)
  end)
end)

-- stet.paragraphs finds line ends and blank bytes 32 at a time with AVX2
-- where the CPU has it (core/segment.c); stet._reference("paragraphs_base")
-- with the baseline masks.
describe("the paragraph splitter's AVX2 masks against the baseline", function()
  local function spans(s, lines)
    local out = {}
    for _, sp in ipairs(stet.paragraphs(s, { spans = true, lines = lines })) do
      out[#out + 1] = sp.start
      out[#out + 1] = sp.stop
    end
    return out
  end
  local function same(s, name)
    for _, lines in ipairs({ false, true }) do
      assert.are.same(stet._reference("paragraphs_base", s, { lines = lines }), spans(s, lines),
        name .. (lines and " (lines)" or ""))
    end
  end

  it("agree with every kind of line end and blank at every offset of three blocks", function()
    local plain = ("Words of a paragraph, and more words. "):rep(6)
    local cuts = { "\n", "\n\n", " \n \n", "\t\n\v\f\r\n", "\r\n\r\n", " ", "\t", "\v\n",
      "\n \t \n\n", "\u{A0}\n\n", "\n\u{2028}\n" }
    assert.is_true(at_every_offset(plain, 140, cuts, same) > 1500)
    same(("\n"):rep(200), "newlines only")
    same((" "):rep(200) .. "x" .. (" \n"):rep(100), "blanks")
  end)

  it("agree on the example corpus and on a benchmark-like corpus", function()
    on_corpora(same, 13, false)
  end)
end)

-- core/json.h's scanner (JSON lines in stet hash and stet clean) finds the
-- quotes and backslashes of strings 32 bytes at a time with AVX2 where the
-- CPU has it, and copies the text it unescapes as it goes;
-- stet._reference("json_scan", s, names, simd, unescape) picks the path.
describe("the JSON scanner's AVX2 path against the baseline", function()
  local NAMES = { "text", "title", "id", "url" }
  -- all four ways (baseline or AVX2, values unescaped by the scan or after
  -- it) give the same status, error offset, other keys and values
  local function same(s, name)
    local want = table.pack(stet._reference("json_scan", s, NAMES, 0, false))
    for _, simd in ipairs({ 0, 1 }) do
      for _, unescape in ipairs({ false, true }) do
        local got = table.pack(stet._reference("json_scan", s, NAMES, simd, unescape))
        assert.are.same(want, got, name)
      end
    end
    return want[1], want[4]
  end

  it("agree with a quote, a backslash or an escape at every offset, in values of every length to 100", function()
    local plain = ("Plain text, caf\u{E9} 0123456789 and more words here. "):rep(3)
    local inserts = { '\\"', "\\\\", "\\n", "\\n\\n", "\\u00e9", "\\ud83d\\ude00", "\\/", '"', "\\", "\\x",
                      "\\ud800", "\1", "\255" }
    local counts = { [0] = 0, [1] = 0, [2] = 0 }
    for len = 0, 100 do
      local base = plain:sub(1, len)
      for p = 0, len, (len > 40 and 3 or 1) do
        for _, c in ipairs(inserts) do
          local v = base:sub(1, p) .. c .. base:sub(p + 1)
          local s = ('{"id": "a%d", "text": "%s", "lang": "en", "title": "%s"}'):format(p, v, v:sub(1, 40))
          local st = same(s, ("%q at byte %d of %d"):format(c, p, len))
          counts[st] = counts[st] + 1
        end
      end
    end
    -- most are objects, some have a bad escape or a bare quote
    assert.is_true(counts[0] > 10000 and counts[2] > 1000, ("%d ok, %d invalid"):format(counts[0], counts[2]))
    -- the values themselves
    local st, values = same('{"text": "a\\"b\\\\c\\nd\\u00e9\\ud83d\\ude00", "x": 1, "title": null}', "values")
    assert.are.equal(0, st)
    assert.are.same({ text = 'a"b\\c\nd\u{E9}\u{1F600}' }, values)
  end)

  it("agree on the lines of the bench corpus's JSON Lines form", function()
    local dir = os.tmpname()
    os.remove(dir)
    helpers.sh(("lua5.4 bench/gen_corpus.lua --mb 1 --seed 5 --out %s --quiet"):format(helpers.quote(dir)))
    local n = 0
    for line in io.lines(dir .. "/corpus.jsonl") do
      assert.are.equal(0, (same(line, "line " .. n)))
      n = n + 1
    end
    helpers.rmtree(dir)
    assert.is_true(n > 200)
  end)
end)
