-- spec/segment_spec.lua: stet.paragraphs, stet.words, stet.segments and the
-- `stet segment` command.
local stet = require "stet"
local helpers = require "support.helpers"

describe("stet.paragraphs", function()
  it("splits on blank lines and trims", function()
    assert.are.same({ "First para\nstill first.", "Second." },
      stet.paragraphs("  First para\nstill first.  \n\n\nSecond.\n"))
  end)

  it("treats lines of spaces and tabs as blank", function()
    assert.are.same({ "A", "B", "C" }, stet.paragraphs("A\n   \nB\n\t \t\nC"))
  end)

  it("handles CRLF line ends", function()
    assert.are.same({ "One\r\ntwo", "Three" }, stet.paragraphs("One\r\ntwo\r\n\r\nThree\r\n"))
    assert.are.same({ "One", "two", "Three" },
      stet.paragraphs("One\r\ntwo  \r\n \r\nThree\r\n", { lines = true }))
  end)

  it("makes every non-blank line a paragraph with lines = true", function()
    assert.are.same({ "a", "b", "c" }, stet.paragraphs("a\nb  \n\n  c", { lines = true }))
  end)

  it("returns nothing for empty or blank text", function()
    assert.are.same({}, stet.paragraphs(""))
    assert.are.same({}, stet.paragraphs(" \n\t\n  "))
  end)

  it("keeps a very long line whole", function()
    local long = ("word "):rep(200000) .. "end"
    local ps = stet.paragraphs("intro\n\n" .. long .. "\n\noutro")
    assert.are.equal(3, #ps)
    assert.are.equal(long, ps[2])
  end)

  it("returns spans whose offsets map back into the text", function()
    local s = "\r\n  Alpha beta \r\n\r\n\tGamma\n"
    local spans = stet.paragraphs(s, { spans = true })
    assert.are.equal(2, #spans)
    assert.are.equal("Alpha beta", spans[1].text)
    assert.are.equal(5, spans[1].start)
    assert.are.equal(14, spans[1].stop)
    for _, sp in ipairs(spans) do
      assert.are.equal(sp.text, s:sub(sp.start, sp.stop))
      assert.are.same({ sp.text, sp.start, sp.stop }, { sp[1], sp[2], sp[3] })
    end
  end)
end)

describe("stet.words", function()
  it("returns word-like segments only", function()
    assert.are.same({ "The", "cat", "sat", "42", "times" },
      stet.words("The cat -- sat, 42 times!"))
  end)

  it("keeps internal apostrophes and periods in words and numbers", function()
    assert.are.same({ "can't", "don\u{2019}t", "U.S", "3.5", "1,200", "e.g" },
      stet.words("can't don\u{2019}t U.S. 3.5 1,200 (e.g.)"))
  end)

  it("keeps ideographs as words, one each", function()
    assert.are.same({ "東", "京", "news" }, stet.words("東京 news"))
  end)

  it("lower-cases by case folding", function()
    assert.are.same({ "hello", "world", "\u{E9}cole", "strasse" },
      stet.words("HELLO World \u{C9}COLE Stra\u{DF}e", { lower = true }))
  end)

  it("returns spans, also with lower", function()
    local s = "  Big NEWS today"
    local spans = stet.words(s, { spans = true, lower = true })
    assert.are.equal(3, #spans)
    assert.are.equal("news", spans[2].text)
    assert.are.equal("NEWS", s:sub(spans[2].start, spans[2].stop))
  end)

  it("handles empty input", function()
    assert.are.same({}, stet.words(""))
    assert.are.same({}, stet.words(" .,;"))
  end)
end)

describe("stet.segments", function()
  it("returns every segment, concatenating back to the input", function()
    local s = "Hi, U.S. people! \u{1F1FA}\u{1F1F8}\u{1F468}\u{200D}\u{1F469} e\u{301}\r\nEnd."
    for _, kind in ipairs({ "grapheme", "word", "sentence" }) do
      assert.are.equal(s, table.concat(stet.segments(s, kind)))
    end
    assert.are.same({ "Hi", ",", " ", "U.S", ".", " ", "people", "!" },
      { table.unpack(stet.segments(s, "word"), 1, 8) })
  end)

  it("rejects an unknown kind", function()
    assert.has_error(function() stet.segments("x", "line") end)
  end)
end)

-- The word and paragraph fast paths work on 64-byte blocks (core/bytemask.h).
-- These cases put every kind of edge at every offset of a block and compare
-- with references that do not use the blocks: the general word rules (via
-- stet.segments, which the conformance spec checks) and a plain Lua
-- paragraph splitter.
describe("block-wise fast paths", function()
  -- Characters for random text; true marks a letter or number.
  local alphabet = {
    { "a", true }, { "Z", true }, { "0", true }, { "9", true }, { "_" }, { " " }, { " " },
    { "'" }, { "." }, { ":" }, { "," }, { ";" }, { "\t" }, { "\r" }, { "\n" }, { "\"" },
    { "-" }, { "\\" }, { "\u{E9}", true }, { "\u{301}" }, { "\u{200D}" }, { "\u{AD}" },
    { "\u{5D0}", true }, { "\u{30A2}", true }, { "\u{1F600}" }, { "\u{2019}" }, { "\u{3000}" },
    { "\u{B7}" }, { "\u{2139}", true }, { "\u{1F1FA}" }, { "\u{65E5}", true }, { "\u{FF10}", true },
  }
  -- Characters around the non-ASCII fast paths of stet.words (core/wordbreak.c,
  -- word_walk and lone_end): Latin letters of two bytes, curly quotes, dashes
  -- and spaces that news text holds, ASCII neighbours, and characters that
  -- send it back to the general rules (combining marks, ZWJ, soft hyphen,
  -- Hebrew, Katakana, line separators, flags, broken UTF-8).
  local news = {
    { "a", true }, { "s", true }, { "Z", true }, { "1", true }, { "9", true }, { "_" }, { " " },
    { " " }, { "'" }, { "." }, { ":" }, { "," }, { ";" }, { "\n" }, { "-" }, { "\"" },
    { "\u{E9}", true }, { "\u{C0}", true }, { "\u{D6}", true }, { "\u{DF}", true },
    { "\u{FF}", true }, { "\u{100}", true }, { "\u{159}", true }, { "\u{141}", true },
    { "\u{1C5}", true }, { "\u{24F}", true }, { "\u{250}", true }, { "\u{2BC}", true },
    { "\u{AA}", true }, { "\u{B2}", true }, { "\u{660}", true }, { "\u{D7}" }, { "\u{F7}" },
    { "\u{2019}" }, { "\u{2019}" }, { "\u{2018}" }, { "\u{201C}" }, { "\u{201D}" },
    { "\u{2014}" }, { "\u{2013}" }, { "\u{A0}" }, { "\u{2026}" }, { "\u{A9}" }, { "\u{20AC}" },
    { "\u{B7}" }, { "\u{2024}" }, { "\u{301}" }, { "\u{200D}" }, { "\u{AD}" }, { "\u{5D0}", true },
    { "\u{30A2}", true }, { "\u{3000}" }, { "\u{2028}" }, { "\u{1F1FA}" }, { "\u{65E5}", true },
    { "\xC3(" }, { "\xE2\x80" },
  }
  local wordlike = { "\u{EF}", "\u{5D1}" } -- non-ASCII letters and numbers used here
  for _, list in ipairs({ alphabet, news }) do
    for _, c in ipairs(list) do
      if c[2] and #c[1] > 1 then wordlike[#wordlike + 1] = c[1] end
    end
  end

  -- Word-like segments by the general rules, as {start, stop} pairs.
  local function ref_words(s)
    local out = {}
    for _, sp in ipairs(stet.segments(s, "word", { spans = true })) do
      local found = sp.text:find("%w") ~= nil
      for _, w in ipairs(wordlike) do found = found or sp.text:find(w, 1, true) ~= nil end
      if found then out[#out + 1] = { sp.start, sp.stop } end
    end
    return out
  end

  local function words(s)
    local out = {}
    for _, sp in ipairs(stet.words(s, { spans = true })) do out[#out + 1] = { sp.start, sp.stop } end
    return out
  end

  -- The paragraphs of s by the documented rule, one line at a time.
  local function ref_paragraphs(s, lines)
    local out, n = {}, #s
    local function blank(i) return s:find("^[ \t\r\f\v\n]", i) ~= nil end
    local function emit(a, b) -- [a, b), trimmed
      while a < b and blank(a) do a = a + 1 end
      while b > a and blank(b - 1) do b = b - 1 end
      if a < b then out[#out + 1] = { a, b - 1 } end
    end
    local start, open, line = 1, false, 1
    while line <= n do
      local nl = s:find("\n", line, true)
      local e = nl and nl + 1 or n + 1
      local k = line
      while k < e and blank(k) do k = k + 1 end
      if lines then
        if k < e then emit(k, e) end
      elseif k == e then
        if open then emit(start, line) end
        open = false
      elseif not open then
        start, open = k, true
      end
      line = e
    end
    if open then emit(start, n + 1) end
    return out
  end

  local function paragraphs(s, lines)
    local out = {}
    for _, sp in ipairs(stet.paragraphs(s, { spans = true, lines = lines })) do
      out[#out + 1] = { sp.start, sp.stop }
    end
    return out
  end

  local function shifted(spans, k)
    local out = {}
    for i, sp in ipairs(spans) do out[i] = { sp[1] + k, sp[2] + k } end
    return out
  end

  local sample = "The U.S. economy grew 3.5 percent in 2023, don't you know? " ..
    "O'Neil said: 1,000;2 isn't __init__ x_1 caf\u{E9} na\u{EF}ve r\u{E9}sum\u{E9}s " ..
    "\u{5D0}\"\u{5D1} \u{30A2}\u{30A2} e\u{301}t\u{E9} ab\u{200D}cd end."

  it("finds the same words at every offset of a block", function()
    local base = words(sample)
    assert.are.same(ref_words(sample), base)
    assert.is_true(#base > 20)
    for k = 0, 130 do
      assert.are.same(shifted(base, k), words((" "):rep(k) .. sample))
      assert.are.same(shifted(base, k + 1), words(("-"):rep(k) .. "\n" .. sample))
    end
  end)

  it("matches the general rules on runs and marks that cross blocks", function()
    local tails = { "", " ", ".", ".b", ".5", "'s", "\u{2019}s", ":x", ",1", "\u{301}", "\u{E9}",
                    "\u{200D}\u{1F600}", "_", "__ ", "\r\n", ". ", "'", "\u{B7}y" }
    for len = 1, 140 do
      for _, t in ipairs(tails) do
        for _, head in ipairs({ "", "x ", "\u{E9}", "a.", "9," }) do
          local s = head .. ("a"):rep(len) .. t .. " z"
          assert.are.same(ref_words(s), words(s), ("%q"):format(s))
        end
      end
    end
    local long = ("word"):rep(100)
    assert.are.same({ long }, stet.words(long))
    assert.are.same({ ("_"):rep(70) .. "a" }, stet.words(("_"):rep(70) .. "a " .. ("_"):rep(70)))
  end)

  it("matches the general rules on random text", function()
    math.randomseed(29)
    for _ = 1, 1500 do
      local t, len = {}, math.random(1, 220)
      for i = 1, len do t[i] = alphabet[math.random(#alphabet)][1] end
      local s = table.concat(t)
      assert.are.same(ref_words(s), words(s), ("%q"):format(s))
    end
  end)

  it("matches the general rules around accented letters, curly quotes and dashes", function()
    local hand = {
      ["it\u{2019}s Zo\u{EB}\u{2019}s rock\u{2019}n\u{2019}roll \u{2019}90s 1\u{2019}000 a\u{2019}1"] =
        { "it\u{2019}s", "Zo\u{EB}\u{2019}s", "rock\u{2019}n\u{2019}roll", "90s", "1\u{2019}000", "a", "1" },
      ["\u{201C}Na\u{EF}ve,\u{201D} she said\u{2014}a\u{A0}caf\u{E9}\u{2019}s \u{D7}2 a\u{D7}b \u{C5}str\u{F6}m"] =
        { "Na\u{EF}ve", "she", "said", "a", "caf\u{E9}\u{2019}s", "2", "a", "b", "\u{C5}str\u{F6}m" },
      ["l\u{2019}\u{E9}t\u{E9} x\u{2019}\u{301}s \u{E9}\u{301} 3.5\u{20AC} \u{141}\u{F3}d\u{17A}_1"] =
        { "l\u{2019}\u{E9}t\u{E9}", "x\u{2019}\u{301}s", "\u{E9}\u{301}", "3.5", "\u{141}\u{F3}d\u{17A}_1" },
    }
    for s, want in pairs(hand) do
      assert.are.same(want, stet.words(s))
      assert.are.same(ref_words(s), words(s))
    end
    -- Every letter, mark, letter triple across a block edge.
    local left = { "a", "9", "_", "\u{E9}", "\u{1C5}", "\u{5D0}" }
    local mid = { "", "\u{2019}", "'", ".", ",", ":", "\u{B7}", "\u{201C}", "\u{2014}", "\u{A0}",
                  "\u{D7}", "\u{E9}", "\u{2019}\u{2019}", "\u{301}" }
    local right = { "", "s", "1", "_", "\u{E9}", "\u{2019}", "\u{301}", "\u{5D0}", "\u{AD}", " ", "\u{2028}" }
    for k = 57, 64 do
      local pad = ("x"):rep(k % 3) .. (" "):rep(k - k % 3)
      for _, l in ipairs(left) do
        for _, m in ipairs(mid) do
          for _, r in ipairs(right) do
            local s = pad .. "w" .. l .. m .. r .. "z \u{E9}" .. m .. r
            assert.are.same(ref_words(s), words(s), ("%q"):format(s))
          end
        end
      end
    end
    -- Random news-like text: letters weighted to make words.
    math.randomseed(2019)
    for _ = 1, 2000 do
      local t, len = {}, math.random(1, 200)
      for i = 1, len do
        local c = math.random(3) == 1 and news[math.random(#news)] or news[math.random(1, 6)]
        t[i] = c[1]
      end
      local s = table.concat(t)
      assert.are.same(ref_words(s), words(s), ("%q"):format(s))
    end
  end)

  it("finds the same paragraphs at every offset, CRLF at block edges", function()
    local text = "para one\r\nstill one  \r\n\r\npara two\r\n \t \r\n\r\n  three\n\n\n"
    for _, lines in ipairs({ false, true }) do
      local base = paragraphs(text, lines)
      assert.are.same(ref_paragraphs(text, lines), base)
      for k = 0, 140 do
        assert.are.same(shifted(base, k), paragraphs((" "):rep(k) .. text, lines))
        assert.are.same(shifted(base, k + 1), paragraphs(("\r\n"):rep(k // 2) ..
          (k % 2 == 1 and " " or "") .. "\n" .. text, lines))
      end
    end
  end)

  it("matches a plain line splitter on random lines", function()
    local parts = { "a", "bc", " ", " ", "\t", "\r", "\n", "\n", "\r\n", "\f", "\u{E9}", ("x"):rep(70),
                    (" "):rep(66), ("\n"):rep(65) }
    math.randomseed(64)
    for _ = 1, 1500 do
      local t, len = {}, math.random(0, 90)
      for i = 1, len do t[i] = parts[math.random(#parts)] end
      local s = table.concat(t)
      assert.are.same(ref_paragraphs(s, false), paragraphs(s, false), ("%q"):format(s))
      assert.are.same(ref_paragraphs(s, true), paragraphs(s, true), ("%q"):format(s))
    end
  end)
end)

describe("stet segment", function()
  it("prints words one per line", function()
    local out, _, code = helpers.run({ "segment", "--by", "word" }, "Hello, big world.\n")
    assert.are.equal(0, code)
    assert.are.equal("Hello\nbig\nworld\n", out)
  end)

  it("prints sentences and escapes line ends inside paragraphs", function()
    local out = helpers.run({ "segment", "--by", "sentence" }, "Mr. Li won. She cheered.\n")
    assert.are.equal("Mr. Li won.\nShe cheered.\n", out)
    out = helpers.run({ "segment", "--by", "paragraph" }, "a\\b\nc\td\n\nnext\n")
    assert.are.equal("a\\\\b\\nc\\td\nnext\n", out)
  end)

  it("escapes short segments that have text after them", function()
    local tail = (" tail"):rep(5)
    local out = helpers.run({ "segment", "--by", "grapheme" }, "\t\\\r\nab" .. tail)
    assert.are.equal("\\t\n\\\\\n\\r\\n\na\nb\n", out:sub(1, 15))
    out = helpers.run({ "segment", "--by", "paragraph" }, "a\\b\nc\td\r\n\n" .. tail)
    assert.are.equal("a\\\\b\\nc\\td\n" .. tail:sub(2) .. "\n", out)
    out = helpers.run({ "segment", "--by", "paragraph", "--spans" }, "a\tb\n\n" .. tail)
    assert.are.equal("1\t3\ta\\tb\n", out:sub(1, 9))
  end)

  it("prints spans as TSV with 1-based offsets", function()
    local out = helpers.run({ "segment", "--by", "paragraph", "--spans" }, "ab\n\n cd\n")
    assert.are.equal("1\t2\tab\n6\t7\tcd\n", out)
  end)

  it("supports --lines", function()
    local out = helpers.run({ "segment", "--by", "paragraph", "--lines" }, "a\nb\n")
    assert.are.equal("a\nb\n", out)
  end)

  it("reads files and keeps offsets right across chunks", function()
    local parts = {}
    for i = 1, 60000 do parts[#parts + 1] = ("Paragraph %d has words.\n\n"):format(i) end
    local text = table.concat(parts)
    local path = helpers.tempfile(text)
    local out, _, code = helpers.run({ "segment", "--by", "paragraph", "--spans", path })
    local small = helpers.run({ "segment", "--by", "word", "--spans", path }, nil,
      { STET_SEGMENT_CHUNK = "1000" })
    local whole = helpers.run({ "segment", "--by", "word", "--spans", path })
    assert.are.equal(whole, small)
    os.remove(path)
    assert.are.equal(0, code)
    local n, bad = 0, 0
    for a, b, t in out:gmatch("(%d+)\t(%d+)\t([^\n]*)\n") do
      n = n + 1
      if text:sub(tonumber(a), tonumber(b)) ~= t then bad = bad + 1 end
    end
    assert.are.equal(60000, n)
    assert.are.equal(0, bad)
  end)

  it("keeps segments longer than a chunk whole and goes on after a missing file", function()
    local parts = {}
    for i = 1, 40 do parts[#parts + 1] = ("long line %d "):format(i):rep(30) .. "\n" end
    local text = table.concat(parts, "\n") .. "tail without line end"
    local path = helpers.tempfile(text)
    for _, by in ipairs({ "paragraph", "sentence", "word" }) do
      local whole = helpers.run({ "segment", "--by", by, "--spans", path })
      local small, _, code = helpers.run({ "segment", "--by", by, "--spans", path }, nil,
        { STET_SEGMENT_CHUNK = "100" })
      assert.are.equal(0, code)
      assert.are.equal(whole, small)
    end
    local out = helpers.run({ "segment", "--by", "paragraph", path })
    assert.are.equal(40, select(2, out:gsub("\n", "")))
    local two, err, code = helpers.run({ "segment", "--by", "word", "/nonexistent/a", "-", path },
      "stdin words\n")
    os.remove(path)
    assert.are.equal(2, code)
    assert.truthy(err:find("/nonexistent/a", 1, true))
    assert.are.equal("stdin\nwords\nlong\nline\n1\nlong\n", two:sub(1, 29))
    assert.truthy(two:find("\ntail\nwithout\nline\nend\n$"))
  end)

  it("rejects a bad --by and reports a missing file", function()
    local _, err, code = helpers.run({ "segment", "--by", "line" }, "x")
    assert.are.equal(1, code)
    assert.truthy(err:find("--by must be one of", 1, true))
    local _, err2, code2 = helpers.run({ "segment", "/nonexistent/file.txt" })
    assert.are.equal(2, code2)
    assert.truthy(err2:find("nonexistent", 1, true))
  end)
end)
