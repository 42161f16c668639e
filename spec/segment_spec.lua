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

  it("rejects a bad --by and reports a missing file", function()
    local _, err, code = helpers.run({ "segment", "--by", "line" }, "x")
    assert.are.equal(1, code)
    assert.truthy(err:find("--by must be one of", 1, true))
    local _, err2, code2 = helpers.run({ "segment", "/nonexistent/file.txt" })
    assert.are.equal(2, code2)
    assert.truthy(err2:find("nonexistent", 1, true))
  end)
end)
