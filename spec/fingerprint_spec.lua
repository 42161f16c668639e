-- spec/fingerprint_spec.lua: stet.fingerprint, stet.fingerprint_key,
-- stet.body_fingerprint.
local stet = require "stet"

local function hex(fp) return ("%016x"):format(fp) end

describe("stet.fingerprint_key", function()
  it("lowercases, maps digits to 0 and drops punctuation and spaces", function()
    assert.are.equal("helloworld0000", stet.fingerprint_key("Hello, World! 2024"))
  end)

  it("agrees with a byte-by-byte reference on text of every length and mix", function()
    -- the ASCII runs are keyed 16 bytes at a time: cover short and long runs,
    -- runs cut by non-ASCII characters at every offset, and the last bytes
    local pieces = { "a", "Z", "7", " ", ".", "-", "\n", "\0", "\127", "`", "@", "[", "{",
                     "/", ":", "é", "’", "É" }
    local function reference(str)
      return (str:gsub("É", "é"):gsub("’", ""):gsub("[^%w\128-\255]", ""):gsub("%d", "0"):lower())
    end
    local seed = 12345
    local function rand(n) -- a small LCG, so the spec is the same every run
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n + 1
    end
    local bad = 0
    for len = 0, 120 do
      for _ = 1, 8 do
        local parts = {}
        for k = 1, len do parts[k] = pieces[rand(#pieces)] end
        if len > 0 and rand(3) == 1 then -- long plain runs too
          parts[rand(len)] = ("Plain Words 42 "):rep(rand(4))
        end
        local str = table.concat(parts)
        if stet.fingerprint_key(str) ~= reference(str) then bad = bad + 1 end
      end
    end
    assert.are.equal(0, bad)
    local long = ("The Quick Brown Fox, 1999! "):rep(40)
    assert.are.equal(("thequickbrownfox0000"):rep(40), stet.fingerprint_key(long))
  end)

  it("applies NFKC and full case folding", function()
    assert.are.equal("finance00", stet.fingerprint_key("\u{FB01}nance \u{2460}\u{FF12}"))
    assert.are.equal("strasse", stet.fingerprint_key("Stra\u{DF}e"))
    assert.are.equal("r\u{E9}sum\u{E9}", stet.fingerprint_key("Re\u{301}sume\u{301}"))
  end)

  it("maps decimal digits of every script to 0", function()
    assert.are.equal("a000", stet.fingerprint_key("a \u{661}\u{662}\u{663}"))
  end)

  it("keeps letters of other scripts, folded", function()
    assert.are.equal("\u{1F00}\u{3B8}\u{1FC6}\u{3BD}\u{3B1}\u{3B9}",
      stet.fingerprint_key("\u{1F08}\u{398}\u{397}\u{342}\u{39D}\u{391}\u{399}"))
  end)

  it("is empty for a paragraph of only punctuation, symbols and spaces", function()
    assert.are.equal("", stet.fingerprint_key("... --- !!! \u{2014} \u{A9} \u{A0}"))
    assert.are.equal("", stet.fingerprint_key(""))
  end)

  it("drops ill-formed UTF-8 like the U+FFFD that would replace it", function()
    assert.are.equal("abc", stet.fingerprint_key("a\xFFb\xC3c"))
  end)
end)

describe("stet.fingerprint", function()
  local same = {
    { "The Mayor said so.", "the mayor said so" },
    { "Profits rose 12% in 2023.", "Profits rose 99% in 1999!" },
    { "\u{201C}We will win,\u{201D} she said.", "\"We will win,\" she said." },
    { "It\u{2019}s here", "It's here" },
    { "Breaking\u{A0}news", "Breaking news" },
    { "  spaced   out\t text ", "spaced out text" },
    { "caf\u{E9}", "cafe\u{301}" },
    { "\u{FF21}\u{FF22}\u{FF23}", "abc" },
  }
  for _, pair in ipairs(same) do
    it(("is equal for %q and %q"):format(pair[1], pair[2]), function()
      assert.are.equal(stet.fingerprint(pair[1]), stet.fingerprint(pair[2]))
    end)
  end

  local different = {
    { "resume", "r\u{E9}sum\u{E9}" },
    { "cafe", "caf\u{E9}" },
    { "the mayor said so", "the mayor said no" },
    { "word order matters", "order word matters" },
    { "a", "b" },
  }
  for _, pair in ipairs(different) do
    it(("differs for %q and %q"):format(pair[1], pair[2]), function()
      assert.are_not.equal(stet.fingerprint(pair[1]), stet.fingerprint(pair[2]))
    end)
  end

  it("gives the documented value to empty keys", function()
    assert.are.equal(0, stet.FP_EMPTY)
    assert.are.equal(stet.FP_EMPTY, stet.fingerprint("***"))
    assert.are.equal(stet.FP_EMPTY, stet.fingerprint(""))
    assert.are_not.equal(stet.FP_EMPTY, stet.fingerprint("x"))
  end)

  it("keeps pinned values (XXH3-64 of the key, seed \"stetfp01\")", function()
    assert.are.equal("8edb6f0d56a0e086", hex(stet.fingerprint("Hello, World! 2024")))
    assert.are.equal("f9ac1fb2755eaf07", hex(stet.fingerprint("\u{201C}Quoted\u{201D} text")))
    assert.are.equal("d21ac4fe728d965c", hex(stet.fingerprint("ab")))
    assert.are.equal("2c71d34160216ab5", hex(stet.fingerprint("R\u{C9}SUM\u{C9}")))
    assert.are.equal("b2d42774c00ae5f6", hex(stet.fingerprint("resume")))
    -- keys of more than 240 bytes, which XXH3 hashes in stripes (with
    -- AVX2 where the CPU has it): 241, 800 and 5600 bytes
    assert.are.equal("1b533be296361f04", hex(stet.fingerprint(("abcdefghij"):rep(24) .. "k")))
    assert.are.equal("a49a7229be07ba65", hex(stet.fingerprint(("The Quick Brown Fox, 1999! "):rep(40))))
    assert.are.equal("c42c0b10af2ebf25", hex(stet.fingerprint(("long caf\u{E9} words "):rep(400))))
    assert.are.equal("61c7b9484a3661af", hex(stet.body_fingerprint(("long caf\u{E9} words "):rep(400))))
  end)

  it("keeps pinned values for keys of 17 to 240 bytes, and of every length up to 300", function()
    -- keys of only small letters are the text itself; the values are
    -- XXH3_64bits_withSeed of Debian's libxxhash, which fingerprint.c does
    -- not call for these lengths (it has the seed folded into its rounds)
    local letters = ("thequickbrownfoxjumpsoverthelazydog"):rep(9)
    local pinned = { [17] = "f97e438593b656dc", [33] = "db6f8cbdb98fe81a", [65] = "61c4455ff1708a30",
      [97] = "940f8e770ade2d43", [128] = "73fc41849cda6be1", [129] = "433060d7c4561224",
      [160] = "159955896af763a0", [240] = "3a634092a882dc6e" }
    for len, want in pairs(pinned) do
      assert.are.equal(want, hex(stet.fingerprint(letters:sub(1, len))), "length " .. len)
    end
    local fold = 0 -- each length's value times the length, xor'ed (2^64 wraps)
    for len = 1, 300 do fold = fold ~ (stet.fingerprint(letters:sub(1, len)) * len) end
    assert.are.equal("a6922c2a9270e254", hex(fold))
  end)

  it("does not depend on the paragraphs hashed before", function()
    local p = "A paragraph with \u{201C}quotes\u{201D} and 3 numbers."
    local first = stet.fingerprint(p)
    stet.fingerprint(("long non-ASCII \u{E9}\u{301} text "):rep(1000))
    assert.are.equal(first, stet.fingerprint(p))
  end)

  it("rejects a non-string argument", function()
    assert.has_error(function() stet.fingerprint({}) end)
  end)
end)

describe("stet.body_fingerprint", function()
  it("is equal for bodies that differ only in spacing, case and punctuation", function()
    local a = "First paragraph.\n\nSecond one, 2024."
    local b = "first paragraph\n\n\n  SECOND ONE 1999"
    assert.are.equal(stet.body_fingerprint(a), stet.body_fingerprint(b))
    assert.are_not.equal(stet.body_fingerprint(a), stet.body_fingerprint(a .. " More."))
  end)

  it("differs from the paragraph fingerprint of the same text", function()
    assert.are_not.equal(stet.fingerprint("One paragraph"), stet.body_fingerprint("One paragraph"))
  end)
end)
