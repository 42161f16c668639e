-- spec/normalize_spec.lua: stet.normalize (every option, invalid input,
-- NUL bytes, a 50 MB string, text that must not change) and stet.validate.
local stet = require "stet"

local ALL_OFF = { form = false, newlines = false, spaces = false, controls = false,
                  quotes = false, mojibake = false, casefold = false }
local FFFD = "\u{FFFD}"

local function with(overrides)
  local o = {}
  for k, v in pairs(ALL_OFF) do o[k] = v end
  for k, v in pairs(overrides) do o[k] = v end
  return o
end

describe("stet.normalize", function()
  describe("defaults", function()
    it("returns ASCII text unchanged, as the same string, with no repairs", function()
      local s = "Plain ASCII news text.\nSecond line.\tTabbed."
      local out, repaired, fixed = stet.normalize(s)
      assert.are.equal(s, out)
      assert.are.equal(0, repaired)
      assert.are.equal(0, fixed)
    end)

    it("composes to NFC", function()
      assert.are.equal("caf\u{E9}", stet.normalize("cafe\u{301}"))
      assert.are.equal("\u{1E69}", stet.normalize("s\u{323}\u{307}"))
      assert.are.equal("\u{1E69}", stet.normalize("s\u{307}\u{323}"))
    end)

    it("only touches the span that needs it", function()
      local s = ("A long ASCII prefix. "):rep(100) .. "Zoe\u{308} and \u{2019}quotes\u{2019} stay."
      local expect = ("A long ASCII prefix. "):rep(100) .. "Zo\u{EB} and \u{2019}quotes\u{2019} stay."
      assert.are.equal(expect, stet.normalize(s))
    end)

    it("keeps curly quotes, dashes and ellipses unless quotes is set", function()
      local s = "\u{201C}Yes\u{2026}\u{201D} \u{2014} it\u{2019}s"
      assert.are.equal(s, stet.normalize(s))
    end)
  end)

  describe("form", function()
    it("NFD decomposes, NFKC and NFKD fold compatibility characters", function()
      assert.are.equal("e\u{301}", stet.normalize("\u{E9}", { form = "NFD" }))
      assert.are.equal("fi 2", stet.normalize("\u{FB01} \u{B2}", { form = "NFKC" }))
      assert.are.equal("e\u{301}...", stet.normalize("\u{E9}\u{2026}", { form = "NFKD" }))
    end)

    it("false leaves decomposed text alone", function()
      assert.are.equal("cafe\u{301}", stet.normalize("cafe\u{301}", { form = false }))
    end)

    it("rejects an unknown form with a clear message", function()
      assert.has_error(function() stet.normalize("x", { form = "NFX" }) end,
        "bad argument #2 to 'normalize' (unknown form 'NFX' (NFC, NFD, NFKC, NFKD or false))")
      assert.has_error(function() stet.normalize("x", { quotes = "yes" }) end)
    end)

    it("reorders combining marks into canonical order", function()
      -- dot below (ccc 220) must come before acute (ccc 230)
      assert.are.equal("a\u{323}\u{301}", stet.normalize("a\u{301}\u{323}", { form = "NFD" }))
    end)
  end)

  describe("casefold", function()
    it("folds ASCII and Unicode case", function()
      assert.are.equal("strasse \u{3C3}\u{3C3} hello", stet.normalize("STRA\u{DF}E \u{3A3}\u{3C2} Hello", { casefold = true }))
    end)
    it("combines with NFKC", function()
      assert.are.equal("fi", stet.normalize("\u{FB01}", { form = "NFKC", casefold = true }))
      assert.are.equal("\u{E9}t\u{E9}", stet.normalize("E\u{301}T\u{C9}", { casefold = true }))
    end)
  end)

  describe("newlines", function()
    it("turns CRLF, CR, NEL, LS and PS into LF", function()
      assert.are.equal("a\nb\nc\nd\ne\nf", stet.normalize("a\r\nb\rc\u{85}d\u{2028}e\u{2029}f"))
    end)
    it("leaves line endings alone when off, even with controls on", function()
      local s = "a\r\nb\rc\u{85}d\u{2028}"
      assert.are.equal(s, stet.normalize(s, with({ newlines = false })))
      assert.are.equal(s, stet.normalize(s, with({ newlines = false, controls = true })))
    end)
    it("handles CR at the very end and CRCRLF", function()
      assert.are.equal("a\n\nb\n", stet.normalize("a\r\r\nb\r"))
    end)
  end)

  describe("spaces", function()
    it("maps no-break and other Unicode spaces to a plain space", function()
      local odd = { 0xA0, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007,
                    0x2008, 0x2009, 0x200A, 0x202F, 0x205F, 0x3000 }
      for _, cp in ipairs(odd) do
        assert.are.equal("a b", stet.normalize("a" .. utf8.char(cp) .. "b"), ("U+%04X"):format(cp))
      end
    end)
    it("removes zero-width characters and soft hyphens", function()
      for _, cp in ipairs({ 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0xAD }) do
        assert.are.equal("ab", stet.normalize("a" .. utf8.char(cp) .. "b"), ("U+%04X"):format(cp))
      end
    end)
    it("removes trailing spaces and tabs on every line, including the last", function()
      assert.are.equal("one\ntwo\n\nthree", stet.normalize("one  \ntwo\t \n \nthree \u{A0}"))
      assert.are.equal("a\nb", stet.normalize("a \r\nb"))
    end)
    it("trims a space or tab left before a newline by a removed or mapped character", function()
      -- found by fuzzing (core/fuzz/fuzz_normalize.c): the 16-byte ASCII scan
      -- looked at the input byte before the newline, not at the output's
      local pad = ("x"):rep(20)
      assert.are.equal("\n`", stet.normalize("\t\x0e\n` " .. ("\0"):rep(13)))
      assert.are.equal("a\n" .. pad, stet.normalize("a \u{200B}\n" .. pad))
      assert.are.equal("a\n" .. pad, stet.normalize("a\t\x01\n" .. pad))
      assert.are.equal("a\n" .. pad, stet.normalize("a\u{A0}\n" .. pad))
    end)
    it("keeps leading and inner spaces", function()
      local s = "  indented  text\n\tx"
      assert.are.equal(s, stet.normalize(s))
    end)
    it("does nothing when off", function()
      local s = "a\u{A0}b\u{200B} \n"
      assert.are.equal(s, stet.normalize(s, with({ spaces = false })))
    end)
  end)

  describe("controls", function()
    it("removes C0 and C1 controls but keeps newline and tab", function()
      assert.are.equal("ab\tc\nd", stet.normalize("a\1b\t\27c\n\127d\u{80}\u{9F}"))
    end)
    it("puts the combining marks around a removed control in canonical order", function()
      -- found by fuzzing (core/fuzz/fuzz_normalize.c): a removed C0 control
      -- ended the normalization span, so the marks after it were not
      -- reordered with those before it and the output was not in the form
      assert.are.equal("\u{423}\u{32C}\u{304}", stet.normalize("\u{4EE}\x14\u{32C}", { form = "NFD" }))
      assert.are.equal("a\u{316}\u{301}", stet.normalize("a\u{301}\1\u{316}", { form = "NFD" }))
      assert.are.equal("\u{E1}\u{316}", stet.normalize("a\u{301}\127\u{316}"))
      assert.are.equal("\u{E1}\u{316}", stet.normalize("\u{E1}\u{316}"))
    end)
    it("keeps them when off", function()
      local s = "a\1b\u{9F}"
      assert.are.equal(s, stet.normalize(s, with({ controls = false })))
    end)
  end)

  describe("quotes", function()
    it("maps curly quotes, primes, dashes and the ellipsis to ASCII", function()
      local s = "\u{2018}a\u{2019} \u{201C}b\u{201D} \u{201A}\u{201E} 5\u{2032}6\u{2033} x\u{2013}y\u{2014}z\u{2026}"
      assert.are.equal("'a' \"b\" '\" 5'6\" x-y-z...", stet.normalize(s, { quotes = true }))
    end)
    it("maps those that NFKC and NFKD make out of other characters", function()
      -- found by fuzzing (core/fuzz/fuzz_normalize.c): U+2034 became three
      -- U+2032 that were left as they were, and a second pass mapped them
      for _, form in ipairs({ "NFKC", "NFKD" }) do
        local o = { form = form, quotes = true }
        assert.are.equal("z'''", stet.normalize("z\u{2034}", o))
        assert.are.equal("''''x", stet.normalize("\u{2057}x", o))
        assert.are.equal("a-b...", stet.normalize("a\u{FE31}b\u{FE19}", o))
      end
      assert.are.equal("z\u{2034}", stet.normalize("z\u{2034}", { quotes = true }))
    end)
  end)

  describe("mojibake", function()
    local cases = {
      { "caf\u{C3}\u{A9}", "caf\u{E9}" },                                       -- cafÃ©
      { "it\u{E2}\u{20AC}\u{2122}s", "it\u{2019}s" },                            -- itâ€™s
      { "\u{E2}\u{20AC}\u{153}Hi\u{E2}\u{20AC}\u{9D}", "\u{201C}Hi\u{201D}" },  -- â€œHiâ€\x9d
      { "M\u{C3}\u{BC}ller", "M\u{FC}ller" },                                    -- MÃ¼ller
      { "\u{C3}\u{A2}\u{E2}\u{201A}\u{AC}\u{E2}\u{201E}\u{A2}", "\u{2019}" },    -- double: Ã¢â‚¬â„¢
      { "S\u{C3}\u{A3}o Paulo", "S\u{E3}o Paulo" },                              -- SÃ£o
      { "na\u{C3}\u{AF}ve", "na\u{EF}ve" },                                      -- naÃ¯ve
      { "it\u{E2}\u{80}\u{99}s", "it\u{2019}s" },                               -- Latin-1 read (C1)
      { "\u{D0}\u{9C}\u{D0}\u{BE}\u{D1}\u{81}\u{D0}\u{BA}\u{D0}\u{B2}\u{D0}\u{B0}", "\u{41C}\u{43E}\u{441}\u{43A}\u{432}\u{430}" },
      { "de\u{C4}\u{178}il", "de\u{11F}il" },                                    -- Turkish deÄŸil
      { "\u{F0}\u{178}\u{2DC}\u{20AC}", "\u{1F600}" },                           -- emoji ðŸ˜€
      { "50\u{C2}\u{B0}F", "50\u{B0}F" },                                        -- 50Â°F
    }
    for _, c in ipairs(cases) do
      it("repairs " .. c[1], function()
        local out, _, fixed = stet.normalize(c[1], { mojibake = true })
        assert.are.equal(c[2], out)
        assert.is_true(fixed >= 1)
      end)
    end

    local correct = {
      "Le caf\u{E9} est d\u{E9}j\u{E0} ferm\u{E9}, \u{E0} c\u{F4}t\u{E9} de l\u{2019}h\u{F4}tel. \u{AB} Voil\u{E0} \u{BB}",
      "\u{C9}T\u{C9}\u{A0}! \u{C0} BIENT\u{D4}T, GAR\u{C7}ON \u{C2}GE",
      "Gr\u{FC}\u{DF}e aus M\u{FC}nchen: \u{C4}rger, \u{D6}l, \u{DC}bel \u{2014} sch\u{F6}n \u{A7} 5",
      "\u{BF}Qu\u{E9} pas\u{F3}? \u{A1}Ma\u{F1}ana! A\u{F1}o \u{2116} 1, 1\u{BA} lugar, 2\u{AA} vez",
      "S\u{C3}O PAULO: a\u{E7}\u{E3}o, cora\u{E7}\u{F5}es, \u{C3} sozinho, \u{C3}",
      "\u{130}stanbul'da \u{15F}ehir, \u{11F}\u{FC}zel, \u{C7}a\u{11F}r\u{131}, \u{D6}\u{DC}",
      "\u{391}\u{3B8}\u{3AE}\u{3BD}\u{3B1}: \u{3B7} \u{3BA}\u{3C5}\u{3B2}\u{3AD}\u{3C1}\u{3BD}\u{3B7}\u{3C3}\u{3B7} \u{3B1}\u{3C0}\u{3BF}\u{3C6}\u{3AC}\u{3C3}\u{3B9}\u{3C3}\u{3B5}",
      "\u{41C}\u{43E}\u{441}\u{43A}\u{432}\u{430}: \u{43F}\u{440}\u{430}\u{432}\u{438}\u{442}\u{435}\u{43B}\u{44C}\u{441}\u{442}\u{432}\u{43E} \u{2014} \u{AB}\u{43D}\u{435}\u{442}\u{BB}",
      "\u{6771}\u{4EAC}\u{3067}\u{4F1A}\u{8B70}\u{3002}\u{5317}\u{4EAC}\u{FF0C}\u{C11C}\u{C6B8} \u{B274}\u{C2A4}",
      "Price: 20\u{20AC}, 5\u{B0}C, \u{A9} 2017 \u{AE} \u{2122}, \u{BD} cup, \u{D7}2",
    }
    for i, s in ipairs(correct) do
      it("leaves correct text alone (" .. i .. ")", function()
        local out, _, fixed = stet.normalize(s, { mojibake = true, spaces = false })
        assert.are.equal(s, out)
        assert.are.equal(0, fixed)
      end)
    end
  end)

  describe("invalid UTF-8", function()
    local cases = {
      { "bad lead byte", "a\xFFb", "a" .. FFFD .. "b", 1 },
      { "lone continuation", "a\x80\x80b", "a" .. FFFD .. FFFD .. "b", 2 },
      { "truncated 2-byte at end", "a\xC3", "a" .. FFFD, 1 },
      { "truncated 3-byte", "a\xE2\x80b", "a" .. FFFD .. "b", 1 },
      { "truncated 4-byte", "\xF0\x9F\x98", FFFD, 1 },
      { "overlong 2-byte", "\xC0\xAF", FFFD .. FFFD, 2 },
      { "overlong 3-byte", "\xE0\x80\xAF", FFFD .. FFFD .. FFFD, 3 },
      { "overlong 4-byte", "\xF0\x80\x80\xAF", FFFD .. FFFD .. FFFD .. FFFD, 4 },
      { "surrogate", "\xED\xA0\x80", FFFD .. FFFD .. FFFD, 3 },
      { "above U+10FFFF", "\xF4\x90\x80\x80", FFFD .. FFFD .. FFFD .. FFFD, 4 },
      { "F5 lead", "\xF5\x80", FFFD .. FFFD, 2 },
    }
    for _, c in ipairs(cases) do
      it("replaces " .. c[1], function()
        local out, repaired = stet.normalize(c[2])
        assert.are.equal(c[3], out)
        assert.are.equal(c[4], repaired)
        -- repair also happens with every option off
        local out2, repaired2 = stet.normalize(c[2], ALL_OFF)
        assert.are.equal(c[3], out2)
        assert.are.equal(c[4], repaired2)
      end)
    end
  end)

  describe("NUL bytes", function()
    it("are controls: removed by default, kept with controls off", function()
      assert.are.equal("ab", stet.normalize("a\0b"))
      local s = "a\0b\0"
      assert.are.equal(s, stet.normalize(s, ALL_OFF))
    end)
    it("do not end the string", function()
      local out = stet.normalize("x\0cafe\u{301}", { controls = false })
      assert.are.equal("x\0caf\u{E9}", out)
    end)
  end)

  describe("identity", function()
    it("is the identity on valid UTF-8 with every option off", function()
      local samples = {
        "cafe\u{301}  \r\n\u{A0}\u{200B}\1\u{85}\u{2019}\u{2026}",
        "\u{FB01} \u{2126} \u{212B} \u{1100}\u{1161}",
        "\u{C3}\u{A9} \u{E2}\u{20AC}\u{2122}",
      }
      for _, s in ipairs(samples) do assert.are.equal(s, (stet.normalize(s, ALL_OFF))) end
    end)
    it("returns the same string when a checked span comes back unchanged", function()
      local s = "x\u{301}y" -- a combining mark that composes with nothing: utf8proc keeps it
      assert.is_true(rawequal(s, (stet.normalize(s))))
    end)
    it("returns the identical string object for clean text", function()
      local s = ("Already clean text with caf\u{E9} and \u{201C}quotes\u{201D}.\n"):rep(1000)
      local out = stet.normalize(s)
      assert.is_true(rawequal(s, out))
    end)
  end)

  describe("a 50 MB string", function()
    it("normalizes with every change in place", function()
      local para = "The mayor\u{2019}s office said the caf\u{E9} would reopen \u{2014} maybe.  \r\n" ..
                   "Cafe\u{301} du Monde\u{A0}opened at 9 a.m.\u{200B}\r\n\r\n"
      local big = para:rep(50 * 1024 * 1024 // #para)
      local out, repaired = stet.normalize(big)
      local expect_para = "The mayor\u{2019}s office said the caf\u{E9} would reopen \u{2014} maybe.\n" ..
                          "Caf\u{E9} du Monde opened at 9 a.m.\n\n"
      assert.are.equal(0, repaired)
      assert.are.equal(#expect_para * (50 * 1024 * 1024 // #para), #out)
      assert.are.equal(expect_para:rep(3), out:sub(1, 3 * #expect_para))
      assert.are.equal(expect_para, out:sub(-#expect_para))
      assert.is_nil(out:find("\r", 1, true))
    end)
  end)
end)

describe("stet.validate", function()
  it("accepts valid UTF-8", function()
    assert.are.same({ true, 0 }, { stet.validate("ok caf\u{E9} \u{1F600}") })
  end)
  it("counts invalid sequences and finds the first", function()
    local ok, bad, first = stet.validate("abc\xFFde\xC3")
    assert.is_false(ok)
    assert.are.equal(2, bad)
    assert.are.equal(4, first)
  end)
end)
