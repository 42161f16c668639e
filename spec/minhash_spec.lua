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
    assert.are.equal("M\1\5\0", sig:sub(1, 4))
    assert.are.equal(4 + 4 * 16, #stet.minhash("text", { hashes = 16, shingle = 3 }))
  end)

  it("is stable across calls and ignores case and punctuation", function()
    local a = stet.minhash("The Council voted, late on Tuesday, to close the bridge.")
    local b = stet.minhash("the council voted late on tuesday to close the bridge")
    assert.are.equal(a, b)
    assert.are.equal(1.0, stet.similarity(a, b))
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

-- Signature bytes pinned before the word finder and the hashing were made
-- faster (core/wordbreak.c, core/minhash.c): any change of a word span, a
-- word hash, a shingle hash or the densification shows up here.
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
      "4d010100ecd6f1e1ecd6f1e1fe045dfffe045dfffe045dff7d0d7f07c503bfff09bb8921c44e31a16928f6737d0d7f07c44e31a12491df56c503bfff09bb8921c503bfff", "4d01030042cb4c80c93aa8cf168547602b6e76b19c55f09942cb4c8069433a12c93aa8cf", 0x4af4ebb5 },
    { "e-mail don't can't rock'n'roll O'Neill's 1,200.50 4:30 __init__ foo_bar",
      "4d0101003c6c8d49284a8e6c05ee605e26c50dec0f7eafec26c50dec3c6c8d49284a8e6c880cf60c3c6c8d49b0d4dec6284a8e6c4f8af18ab0d4dec6284a8e6c880cf60c", "4d0103009c6df182d2642f6c1c8154521c81545236f0890853c0751537708a7251b7b155", 0xeb5c624c },
    { "Line one\r\nLine two\r\n\r\nLine three\n",
      "4d0101002eccebc0825ecba69710904f2eccebc02eccebc02eccebc0825ecba6825ecba62eccebc09710904f2eccebc0825ecba6825ecba6825ecba6825ecba69710904f", "4d0103006791e4f5e03c381b156e0c6a156e0c6ac4a2981ac4a2981ae03c381be03c381b", 0xe4ff4f59 },
    { "Caf\u{E9} na\u{EF}ve Stra\u{DF}e \u{C9}COLE fa\u{E7}ade \u{2014} \u{201C}quoted\u{201D} words\u{2019} end",
      "4d01010073dacc4f5672194077c6f7fd73dacc4fd51b62ac77c6f7fd77c6f7fdac1308a473dacc4f77c6f7fd73dacc4f77c6f7fd14970eb65672194014970eb6ac1308a4", "4d01030087b913ab4e061e6872854b0872854b080dffd1ee47d336b44e061e680dffd1ee", 0x65028ec9 },
    { "\u{6771}\u{4EAC} news 2024\u{5E74} \u{FF26}\u{FF35}\u{FF2C}\u{FF2C} \u{FB01}ne e\u{301}cole cafe\u{301}",
      "4d01010071ec3c2d2afa4a24fd6f8c25d7a2888a2afa4a2471ec3c2dd7a2888ad7a2888a14970eb6cb267e012afa4a24cb267e0114970eb65672194014970eb6d7a2888a", "4d0103001e979690dca3662d999e314e95925b7ddca3662ddca3662d3d7a9e1d999e314e", 0xbe056bde },
    { "Supercalifragilisticexpialidocious antidisestablishmentarianism ABCDEFGH abcdefghijklmnop ABCDEFGHIJKLMNOPQ x",
      "4d010100c7a4933b89d94857819fb6000ddcbd94819fb6003dfa2d0e0ddcbd94c7a4933b0ddcbd94c9be11cd0ddcbd94c9be11cd819fb6000ddcbd9489d94857c7a4933b", "4d0103008ec537dfd36f49221d5fd8a38ec537dfd36f49228ec537df8ec537dfd36f4922", 0x69f48581 },
    { "two words",
      "4d0101004d8d8a5b9710904f4d8d8a5b4d8d8a5b9710904f4d8d8a5b4d8d8a5b9710904f4d8d8a5b9710904f4d8d8a5b9710904f9710904f4d8d8a5b4d8d8a5b9710904f", "4d010300f4cb42b8f4cb42b8f4cb42b8f4cb42b8f4cb42b8f4cb42b8f4cb42b8f4cb42b8", 0x9f1873ee },
    { "",
      "4d010100ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "4d010300ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", 0x7228acce },
    { "seven words in THIS text, exactly seven",
      "4d010100fec6ba02cd2c567b77828dd14d8d8a5bfec6ba0277828dd14d8d8a5bfec6ba02cd2c567b69cb3f244d8d8a5b69cb3f242491df564d8d8a5b2491df56fec6ba02", "4d0103009ebe800e918ff27d9ebe800e9ebe800e9ebe800e918ff27d53d2f55453d2f554", 0xf3c76c26 },
    { "a1 b22 c333 d4444 e55555 f666666 g7777777 h88888888 i999999999 jAAAAAAAAAA",
      "4d010100d2cab772f815ba405d503360b55ec117808552ff2b1dcb052992c9a4808552fff815ba405d503360b55ec117808552ff738715bab55ec117738715ba2992c9a4", "4d010300ce5e15d3c2a12548c2a12548ce5e15d39ec56b722f1c0c1630c8530b30c8530b", 0x9f0bb176 },
    { "x\u{200D}y e\u{301}\u{301}z \u{1F468}\u{200D}\u{1F469} \u{1F1EB}\u{1F1F7} abc\u{AD}def \u{5D0}\"\u{5D1} \u{30AB}\u{30BF}\u{30AB}\u{30CA}",
      "4d01010050e5f11eb1f16816772aa0714c4f8e61b1f168164c4f8e61772aa07150e5f11e4c4f8e61772aa071b1f1681650e5f11e50e5f11eb1f16816b1f1681650e5f11e", "4d0103003d6b23dde27e77b43d6b23dd3d6b23dd58aab67a58aab67ae27e77b4e27e77b4", 0xcb9c5c4e },
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
    assert.are.equal(0xad5ee0cc, h)
  end)
end)
