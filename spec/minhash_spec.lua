-- spec/minhash_spec.lua: stet.minhash, stet.similarity and stet.lsh.
-- luacheck: no max line length (the corpus below is prose)
local stet = require "stet"

-- The shingle set of a text as stet.minhash sees it, for plain ASCII prose
-- (words are runs of letters and digits, case folded).
local function shingles(text, k)
  local words = {}
  for w in text:lower():gmatch("%w+") do words[#words + 1] = w end
  local set = {}
  if #words == 0 then return set end
  if #words < k then k = #words end
  for i = 1, #words - k + 1 do set[table.concat(words, " ", i, i + k - 1)] = true end
  return set
end

local function jaccard(a, b, k)
  local sa, sb = shingles(a, k), shingles(b, k)
  local inter, union = 0, 0
  for s in pairs(sa) do
    union = union + 1
    if sb[s] then inter = inter + 1 end
  end
  for s in pairs(sb) do if not sa[s] then union = union + 1 end end
  return inter / union
end

-- Deterministic pseudo-random words (a small LCG), so that pairs with a
-- chosen overlap can be built.
local function rng(seed)
  local x = seed
  return function(n)
    x = (x * 1103515245 + 12345) % 2147483648
    return x % n + 1
  end
end

local vocab = {}
for w in ([[council city vote budget mayor street road bridge river school
  park tax plan housing rent water power transit bus train station market
  police fire court judge report study office people family worker owner
  night morning summer winter storm flood heat wind rain snow north south
  east west local state federal public private new old small large early
  late open closed said told asked added]]):gmatch("%a+") do vocab[#vocab + 1] = w end

local function random_text(rand, n)
  local t = {}
  for i = 1, n do t[i] = vocab[rand(#vocab)] end
  return t
end

-- Pairs whose true Jaccard similarities spread over [0, 1].
local function constructed_pairs()
  local pairs_out, rand = {}, rng(42)
  for case = 1, 24 do
    local base = random_text(rand, 200)
    local other = {}
    local keep = (case - 1) / 23 -- fraction of words kept
    for i = 1, #base do
      other[i] = rand(1000) <= keep * 1000 and base[i] or vocab[rand(#vocab)] .. "x"
    end
    pairs_out[#pairs_out + 1] = { table.concat(base, " "), table.concat(other, " ") }
  end
  return pairs_out
end

describe("stet.minhash", function()
  it("returns a signature string of 4 + 4 * hashes bytes", function()
    local sig = stet.minhash("a few words of text here and there")
    assert.are.equal(4 + 4 * 112, #sig)
    assert.are.equal("M\2\5\0", sig:sub(1, 4))
    assert.are.equal(4 + 4 * 16, #stet.minhash("text", { hashes = 16, shingle = 3 }))
  end)

  it("is stable across calls and ignores case and punctuation", function()
    local a = stet.minhash("The Council voted, late on Tuesday, to close the bridge.")
    local b = stet.minhash("the council voted late on tuesday to close the bridge")
    assert.are.equal(a, b)
    assert.are.equal(1.0, stet.similarity(a, b))
  end)

  it("hashes a word that folds to ASCII as that ASCII word, short or long", function()
    -- fullwidth letters and the fi ligature fold (NFKC + case folding) to
    -- ASCII; the words of 17 bytes and more take the long-word hash
    local o = { shingle = 1, hashes = 64 }
    local folded = {
      { "\u{FF26}\u{FF35}\u{FF2C}\u{FF2C} news", "full news" },
      { "\u{FB01}ne print", "fine print" },
      { "\u{FF33}upercalifragilistic", "supercalifragilistic" },
      { "foo_bar \u{FF26}oo_bar", "foo_bar foo_bar" },
    }
    for _, p in ipairs(folded) do
      assert.are.equal(stet.minhash(p[2], o), stet.minhash(p[1], o), p[1])
      assert.are.equal(stet._reference("minhash", p[2], o), stet._reference("minhash", p[1], o), p[1])
    end
    assert.are_not.equal(stet.minhash("full news", o), stet.minhash("fall news", o))
  end)

  it("treats a text shorter than a shingle as one shingle", function()
    local a = stet.minhash("two words")
    assert.are.equal(a, stet.minhash("Two  Words!"))
    assert.are_not.equal(a, stet.minhash("words two"))
    assert.are.equal(0.0, stet.similarity(a, stet.minhash("other words")))
  end)

  it("gives equal signatures to texts without words", function()
    assert.are.equal(stet.minhash(""), stet.minhash("... !!!"))
  end)

  it("estimates Jaccard similarity within 0.05 with 1024 hashes", function()
    local worst = 0
    for _, p in ipairs(constructed_pairs()) do
      local truth = jaccard(p[1], p[2], 5)
      local est = stet.similarity(stet.minhash(p[1], { hashes = 1024 }),
                                  stet.minhash(p[2], { hashes = 1024 }))
      worst = math.max(worst, math.abs(est - truth))
    end
    assert.is_true(worst <= 0.05, "worst error " .. worst)
  end)

  it("estimates Jaccard similarity within 0.05 on average with the defaults", function()
    local sum, n = 0, 0
    for _, p in ipairs(constructed_pairs()) do
      local truth = jaccard(p[1], p[2], 5)
      local est = stet.similarity(stet.minhash(p[1]), stet.minhash(p[2]))
      sum, n = sum + math.abs(est - truth), n + 1
      assert.is_true(math.abs(est - truth) <= 0.15, ("truth %.3f, estimate %.3f"):format(truth, est))
    end
    assert.is_true(sum / n <= 0.05, "mean error " .. sum / n)
  end)

  it("uses the shingle size asked for", function()
    local a, b = "one two three four five six", "one two three four five seven"
    assert.are.equal(0.0, stet.similarity(stet.minhash(a, { shingle = 6 }), stet.minhash(b, { shingle = 6 })))
    local s2 = stet.similarity(stet.minhash(a, { shingle = 2, hashes = 1024 }),
                               stet.minhash(b, { shingle = 2, hashes = 1024 }))
    assert.is_true(math.abs(s2 - jaccard(a, b, 2)) < 0.1)
  end)

  it("checks its options and refuses to compare different signatures", function()
    assert.has_error(function() stet.minhash("x", { hashes = 0 }) end)
    assert.has_error(function() stet.minhash("x", { shingle = "five" }) end)
    assert.has_error(function()
      stet.similarity(stet.minhash("x"), stet.minhash("x", { shingle = 3 }))
    end)
    assert.has_error(function() stet.similarity("abc", "abc") end)
  end)
end)

-- A constructed corpus: one invented article, its near duplicates, and two
-- other articles on the same topic that share one quote with it.
local article = {
  [[The city council voted late on Tuesday to close the old Harbor Street bridge to cars for at least two years, ending months of debate over the aging steel span that carries traffic from the east side into the market district.]],
  [[Engineers told the council that rust had eaten through several of the main supports and that the deck could no longer carry heavy trucks safely. A report released last month found cracks in three of the four piers and warned that repairs would only grow more expensive with every winter of salt and ice.]],
  [[Mayor Linda Ortega said the decision was painful but necessary. "We cannot ask families to drive across a bridge that our own engineers do not trust, and we will not gamble with public safety to save a few minutes of commuting time," she said after the vote.]],
  [[Business owners in the market district warned that the closure would cut off customers who already struggle to find parking. Several asked the council to add more bus service and to open a temporary ferry across the river while the bridge is rebuilt.]],
  [[The council agreed to study both ideas and to report back in the spring. Work on a replacement span is expected to begin next summer, once the state approves the funding plan and the federal permits for work in the river are granted.]],
  [[The bridge opened more than ninety years ago and was once the pride of the harbor, painted green every spring by volunteers from the neighborhood. Its iron railings and lamp posts appear on old postcards that still sell in the shops along the waterfront.]],
  [[Residents who spoke at the meeting were divided. Some praised the council for acting before an accident, while others accused city leaders of ignoring the bridge for a decade and leaving the east side to pay the price for that neglect.]],
}

local function join(paras) return table.concat(paras, "\n\n") end

local original = join(article)
local edited = join({
  article[1]:gsub("late on Tuesday", "on Tuesday night"),
  article[2]:gsub("three of the four", "three of its four"),
  article[3],
  article[4]:gsub("Several asked", "Many asked"),
  article[5], article[6], article[7],
})
local truncated = join({ article[1], article[2], article[3], article[4], article[5], article[6] })
local reordered = join({ article[1], article[3], article[2], article[4], article[7], article[6], article[5] })
local with_boilerplate = "Subscribe to our newsletter\n\n" .. original .. "\n\nShare this story"

local quote = article[3]:match('".-"')
local other_a = join({
  [[Drivers faced long detours on Wednesday as crews put up barriers at both ends of the Harbor Street bridge, a day after the city council ordered the span closed to cars.]],
  [[Traffic backed up for blocks along River Road during the morning rush, and several drivers said their trip to work took twice as long as usual. City officials urged commuters to take the bus or leave home earlier until new signals are installed at the busiest corners.]],
  [[Mayor Linda Ortega defended the closure on a radio show. ]] .. quote .. [[ she repeated, adding that the city would post detour maps online and at every bus stop.]],
  [[The transit agency said it would run extra buses on the east side line starting next week and would review ridership after a month.]],
})
local other_b = join({
  [[For the shop owners of the market district, the closing of the Harbor Street bridge feels like the end of an era, and many fear it could mean the end of their stores as well.]],
  [[A bakery owner who has sold bread on the corner for thirty years said her sales fell by a third the last time the bridge closed for repairs. A hardware store next door is already planning to cut its opening hours through the winter.]],
  [[The mayor has promised help, but owners say words are not enough. When she told the council ]] .. quote .. [[ the owners in the back of the room listened in silence.]],
  [[A group of merchants plans to ask the state for emergency grants and to hold a street festival in the spring to draw shoppers back across the river.]],
})

describe("stet.lsh", function()
  local docs = {
    { "orig", original }, { "edited", edited }, { "truncated", truncated },
    { "reordered", reordered }, { "boilerplate", with_boilerplate },
    { "other-a", other_a }, { "other-b", other_b },
  }

  local function build(order)
    local index = stet.lsh({ threshold = 0.7 })
    for _, i in ipairs(order) do index:add(docs[i][1], stet.minhash(docs[i][2])) end
    return index
  end

  it("has a corpus whose pairs are what they claim to be", function()
    local words = select(2, original:gsub("%S+", ""))
    assert.is_true(words >= 290 and words <= 330, words .. " words")
    for _, v in ipairs({ edited, truncated, reordered, with_boilerplate }) do
      assert.is_true(jaccard(original, v, 5) >= 0.75)
    end
    assert.is_true(jaccard(original, other_a, 5) < 0.15)
    assert.is_true(jaccard(original, other_b, 5) < 0.15)
    assert.is_true(jaccard(other_a, other_b, 5) > 0) -- they share the quote
  end)

  it("clusters the edited, truncated and re-ordered versions of an article", function()
    assert.are.same({ { "boilerplate", "edited", "orig", "reordered", "truncated" } },
      build({ 1, 2, 3, 4, 5, 6, 7 }):clusters())
  end)

  it("gives the same clusters whatever the order of the adds", function()
    local first = build({ 1, 2, 3, 4, 5, 6, 7 }):clusters()
    assert.are.same(first, build({ 7, 6, 5, 4, 3, 2, 1 }):clusters())
    assert.are.same(first, build({ 4, 7, 1, 6, 2, 5, 3 }):clusters())
  end)

  it("returns candidates sharing a band, sorted", function()
    local index = build({ 1, 2, 3, 4, 5, 6, 7 })
    local c = index:candidates(stet.minhash(original))
    assert.are.same({ "boilerplate", "edited", "orig", "reordered", "truncated" }, c)
    assert.are.same({}, index:candidates(stet.minhash("nothing like the others at all")))
  end)

  it("takes numeric ids and sorts them before strings", function()
    local index = stet.lsh()
    index:add(10, stet.minhash(original))
    index:add("copy", stet.minhash(original))
    index:add(2, stet.minhash(original))
    index:add(3, stet.minhash(other_a))
    assert.are.same({ { 2, 10, "copy" } }, index:clusters())
    assert.are.equal(4, index:size())
  end)

  it("joins chains of similar pairs and skips band matches below the threshold", function()
    -- 112 values in 14 bands of 8: sig(base, from, to) replaces values
    -- from..to of signature `base` with values of its own
    local function sig(base, from, to)
      local v = {}
      for k = 1, 112 do v[k] = (k >= from and k <= to) and (base * 1000 + k + 7777) or (base * 1000 + k) end
      return "M\1\5\0" .. string.pack(("<" .. ("I4"):rep(112)), table.unpack(v))
    end
    local function build_sigs(order)
      local all = {
        a = sig(1, 0, -1), b = sig(1, 1, 24),   -- a ~ b (88/112 equal)
        c = sig(1, 1, 48),                      -- b ~ c (88/112), a !~ c (64/112)
        d = sig(1, 9, 112),                     -- shares only band 1 with a: 8/112
        e = sig(2, 0, -1), f = sig(2, 105, 112) -- e ~ f
      }
      local index = stet.lsh({ threshold = 0.7 })
      for id in order:gmatch("%a") do index:add(id, all[id]) end
      return index, all
    end
    local index, all = build_sigs("abcdef")
    assert.are.same({ { "a", "b", "c" }, { "e", "f" } }, index:clusters())
    assert.are.same(index:clusters(), build_sigs("fedcba"):clusters())
    assert.are.same(index:clusters(), build_sigs("dbfaec"):clusters())
    assert.are.same({ "a", "b", "c", "d" }, index:candidates(all.a))
    assert.are.same({ "e", "f" }, index:candidates(all.f))
  end)

  it("refuses duplicate ids and mixed signature shapes", function()
    local index = stet.lsh({ bands = 14 })
    index:add(1, stet.minhash("a text"))
    assert.has_error(function() index:add(1, stet.minhash("a text")) end)
    assert.has_error(function() index:add(2, stet.minhash("a text", { hashes = 56 })) end)
    assert.has_error(function() stet.lsh({ bands = 5 }):add(1, stet.minhash("x")) end)
    assert.has_error(function() index:add(3, "not a signature") end)
  end)
end)

-- Signature bytes of format version 2 (word hashes by NH, shingle hashes
-- by sums of products; core/minhash.c), pinned when it was made: any
-- change of a word span, a word hash, a shingle hash or the densification
-- shows up here.
local function hex(s) return (s:gsub(".", function(c) return ("%02x"):format(c:byte()) end)) end
local function fnv(s, h)
  h = h or 2166136261
  for i = 1, #s do h = ((h ~ s:byte(i)) * 16777619) & 0xffffffff end
  return h
end

describe("stet.minhash pinned values", function()
  -- text, hex with {shingle = 1, hashes = 16}, hex with {shingle = 3,
  -- hashes = 8}, FNV-1a 32 of the default signature
  local pinned = {
    { "The U.S. economy grew 3.14% in Q3, officials said.",
      "4d02010085a95672dcea4defa862244028f2c33fa8622440684cae59c06ae9ff85a9567228f2c33f0401ce9028f2c33fdcea4defcf4982d6cf4982d6dcea4defc06ae9ff", "4d020300f00d8a7f69b4fce5a127e445f00d8a7f11796d8fafe55dbca3521fca69b4fce5", 0xe21e32de },
    { "e-mail don't can't rock'n'roll O'Neill's 1,200.50 4:30 __init__ foo_bar",
      "4d020100007ed60247cf0287e03e13236aed863fbae629ad007ed602bdb77f6a7113347847cf0287bdb77f6abae629adc306a4bbc306a4bb6aed863fc306a4bb26ce48f0", "4d02030016bde51dbafdd030189d4179189d41793a92978db9162ea432deaed7f07c6ce3", 0x3d0e1b60 },
    { "Line one\r\nLine two\r\n\r\nLine three\n",
      "4d020100c09f4e1dc09f4e1d5bb21d6ac09f4e1dc09f4e1d5bb21d6a5bb21d6a0aee7af1f974fac55bb21d6ac09f4e1dc09f4e1df974fac50aee7af1f974fac50aee7af1", "4d0203005ee4b5070b1d98f05ee4b5075ee4b5075ee4b5075ee4b5070b1d98f00b1d98f0", 0xfa1d2fa3 },
    { "Caf\u{E9} na\u{EF}ve Stra\u{DF}e \u{C9}COLE fa\u{E7}ade \u{2014} \u{201C}quoted\u{201D} words\u{2019} end",
      "4d020100ae077b10ae077b10f06df72409f90e55e90f924d09f90e55e90f924db1834fea09f90e5513712698ae077b10b1834fea59c603cb7783f8d9b1834fea13712698", "4d02030076dcc1027e4643f9548e0863548e08630381929676dcc102884000c67e4643f9", 0x180f5a5f },
    { "\u{6771}\u{4EAC} news 2024\u{5E74} \u{FF26}\u{FF35}\u{FF2C}\u{FF2C} \u{FB01}ne e\u{301}cole cafe\u{301}",
      "4d020100ae077b10ae077b10e90f924db6940553e90f924db6940553e90f924d2bb99fe09cfabc8077cc71a477cc71a42bb99fe0db5d05d9db5d05d92bb99fe09cfabc80", "4d020300576c8a61d892c58a8ac05f4c576c8a61d892c58a576c8a6187e455c9d892c58a", 0x93bbc612 },
    { "Supercalifragilisticexpialidocious antidisestablishmentarianism ABCDEFGH abcdefghijklmnop ABCDEFGHIJKLMNOPQ x",
      "4d020100f0d1557fa38323844473415c4473415cf0d1557f4473415c0082f7f7f0d1557fa3832384f0d1557f4473415cf0d1557f03f0dbc30082f7f703f0dbc30082f7f7", "4d020300b2209c17454bd6f004a2257804a225786b974884b2209c17454bd6f0454bd6f0", 0x95913f6d },
    { "two words",
      "4d020100c09f4e1dc09f4e1d59c603cbc09f4e1dc09f4e1dc09f4e1dc09f4e1dc09f4e1d59c603cbc09f4e1dc09f4e1dc09f4e1d59c603cb59c603cb59c603cbc09f4e1d", "4d020300ca0adf35ca0adf35ca0adf35ca0adf35ca0adf35ca0adf35ca0adf35ca0adf35", 0x0cd26d63 },
    { "",
      "4d020100ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "4d020300ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", 0x99239aa3 },
    { "seven words in THIS text, exactly seven",
      "4d020100c12d6c7c836fcde0bbc9cf4481b31359bbc9cf4481b31359c12d6c7cc12d6c7c81b31359c12d6c7ccf4982d6836fcde059c603cbcf4982d6836fcde0c12d6c7c", "4d02030092f15d0af491db8a92f15d0a92f15d0af491db8a92f15d0a02a0c7c7f491db8a", 0x7bc4d85b },
    { "a1 b22 c333 d4444 e55555 f666666 g7777777 h88888888 i999999999 jAAAAAAAAAA",
      "4d0201001f28fb0238128f1c28875f2539fa185038128f1c39fa185038128f1c39fa1850a72eba8928875f2538128f1c38128f1cb46213c897ef15dbb46213c8a72eba89", "4d02030049db123249db123249db1232a286c78fa286c78f49db12325a4e79d6c9e7b9e7", 0xcd3d5e7f },
    { "x\u{200D}y e\u{301}\u{301}z \u{1F468}\u{200D}\u{1F469} \u{1F1EB}\u{1F1F7} abc\u{AD}def \u{5D0}\"\u{5D1} \u{30AB}\u{30BF}\u{30AB}\u{30CA}",
      "4d02010067f0791167f079113a76e64bf0ca0d5e3a76e64bf0ca0d5e3a76e64b3a76e64be1f1a68d67f0791167f0791167f079113a76e64b67f07911e1f1a68de1f1a68d", "4d0203007b7d01e57b7d01e5f67d354af67d354a0c5604c1f67d354a0c5604c17b7d01e5", 0xf32f69e3 },
  }

  it("gives the signatures pinned for texts with marks, digits, CRLF and non-ASCII", function()
    for i, p in ipairs(pinned) do
      assert.are.equal(p[2], hex(stet.minhash(p[1], { shingle = 1, hashes = 16 })), "text " .. i)
      assert.are.equal(p[3], hex(stet.minhash(p[1], { shingle = 3, hashes = 8 })), "text " .. i)
      assert.are.equal(p[4], fnv(stet.minhash(p[1])), "text " .. i)
    end
  end)

  it("gives the signatures pinned for the example corpus", function()
    local files = io.popen("find examples/corpus -type f | LC_ALL=C sort")
    local h, count = 2166136261, 0
    for path in files:lines() do
      local f = assert(io.open(path, "rb"))
      local s = f:read("a")
      f:close()
      h = fnv(stet.minhash(s), h)
      h = fnv(stet.minhash(s, { shingle = 2, hashes = 64 }), h)
      h = fnv(stet.minhash(s, { shingle = 9, hashes = 300 }), h)
      h = fnv(stet.minhash(s:sub(1, 200), { shingle = 1, hashes = 40 }), h)
      count = count + 1
    end
    files:close()
    assert.are.equal(41, count)
    assert.are.equal(0xb30a187e, h)
  end)
end)
