-- spec/fingerprint_paths_spec.lua: the fast paths of the paragraph key
-- (AVX2, SSSE3, SSE2 blocks, loads past the end of a paragraph, the cached
-- per-code-point actions) give the same bytes as the plain byte loop, and
-- `stet hash` writes the same table as stet.counter fed paragraph by
-- paragraph from Lua.
local stet = require "stet"
local helpers = require "support.helpers"

local PATHS = { "sse2", "ssse3", "avx2", "best" }

-- Text pieces: ASCII of every class, letters and digits of other scripts,
-- characters that need NFKC or case folding (hard spans), combining marks,
-- ill-formed bytes and lone continuation bytes.
local pieces = { "a", "Z", "7", " ", ".", "\n", "\t", "\0", "\127", "@", "[", "`", "{",
  "The quick brown fox ", "0123456789abcdefghijKLMNOPQRSTUVWXYZ", "é", "É", "’", "“", "—",
  "ß", "ﬁ", "①", "２", "Ａ", "ä", "a\u{308}", "\u{301}", "Ω", "Ἀ", "\u{342}", "д", "Д",
  "١", "中", "ア", "ｱ", "😀", "\u{1D400}", "\u{E000}", "\u{FFFD}", "\xC3", "\x80", "\xE2\x80",
  "\xF0\x9F", "\xFF", "\xED\xA0\x80", "İ", "ǅ", "\u{2126}" }

local seed = 4242
local function rand(n) -- a small LCG: the same texts every run
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n + 1
end

local function random_text(len)
  local parts = {}
  for k = 1, len do parts[k] = pieces[rand(#pieces)] end
  if len > 0 and rand(3) == 1 then parts[rand(len)] = ("Plain Words 42, "):rep(rand(6)) end
  return table.concat(parts)
end

-- The first differing path for p:sub(i, j), or nil when all agree with the
-- byte loop (and with the public function on the copied substring).
local function diverges(p, i, j)
  local want = stet.fingerprint_key(p:sub(i, j))
  local scalar, used = stet.fingerprint_key(p, "scalar", i, j)
  assert.are.equal("scalar", used)
  if scalar ~= want then return "scalar" end
  for _, path in ipairs(PATHS) do
    if stet.fingerprint_key(p, path, i, j) ~= want then return path end
  end
end

describe("fingerprint key paths", function()
  it("reports the path used, never wider than asked", function()
    local _, best = stet.fingerprint_key("abc", "best")
    assert.is_truthy(({ sse2 = 1, ssse3 = 1, avx2 = 1 })[best])
    assert.are.equal("sse2", select(2, stet.fingerprint_key("abc", "sse2")))
    assert.are.equal("helloworld", (stet.fingerprint_key("xx Hello World yy", "avx2", 4, 14)))
  end)

  it("agree byte for byte on random text, whole and cut anywhere", function()
    local bad, cases = {}, 0
    for len = 0, 90 do
      for _ = 1, 6 do
        local p = random_text(len)
        local n = #p
        local i, j = rand(n + 1), n
        if i <= n then j = i - 1 + rand(n - i + 2) - 1 end
        for _, span in ipairs({ { 1, n }, { i, j }, { 1, j }, { i, n } }) do
          cases = cases + 1
          local path = diverges(p, span[1], span[2])
          if path then bad[#bad + 1] = ("%s on %q [%d, %d]"):format(path, p, span[1], span[2]) end
        end
      end
    end
    assert.is_true(cases > 2000)
    assert.are.same({}, bad)
  end)

  it("agree on long ASCII runs cut by one character at every offset", function()
    local bad = {}
    local base = ("Breaking News: 2 Ships, 30 Crew; "):rep(4) -- 132 bytes
    for at = 1, #base do
      for _, ch in ipairs({ "é", "É", "’", "\xC3", "ﬁ" }) do
        local p = base:sub(1, at - 1) .. ch .. base:sub(at) .. "\xC3\xA9tail"
        local j = #p - 7 -- leaves non-ASCII bytes readable past the end
        if diverges(p, 1, j) or diverges(p, at, j) then bad[#bad + 1] = p end
      end
    end
    assert.are.same({}, bad)
  end)

  it("agree on every BMP character (and some beyond) in many neighbourhoods", function()
    -- each character once before and once after a kept letter, a hard
    -- letter, a combining mark, a Hangul leading jamo, itself: the cached
    -- actions and the cached keys of hard characters against the plain
    -- algorithm
    local contexts = { "a%sb", " %s ", "\u{E9}%s.", "%s%s", "\u{3A9}%s1", "\u{1100}%s",
      "x\u{301}%s", "%s\u{308}", "\u{C5}%s\u{1161}" }
    local ranges = { { 0x80, 0xD7FF }, { 0xE000, 0xFFFF }, { 0x10000, 0x103FF },
      { 0x1D400, 0x1D7FF }, { 0x1F100, 0x1F2FF }, { 0x2F800, 0x2FA1F } }
    local bad, checked = {}, 0
    for _, ctx in ipairs(contexts) do
      for _, r in ipairs(ranges) do
        for lo = r[1], r[2], 64 do
          local parts = {}
          for cp = lo, math.min(lo + 63, r[2]) do
            parts[#parts + 1] = ctx:gsub("%%s", utf8.char(cp))
          end
          local str = table.concat(parts, "|")
          checked = checked + 1
          if stet.fingerprint_key(str, "best") ~= stet.fingerprint_key(str, "scalar") then
            bad[#bad + 1] = ("%s U+%04X.."):format(ctx, lo)
          end
        end
      end
    end
    assert.is_true(checked > 9000)
    assert.are.same({}, bad)
  end)

  it("agree on every paragraph of a generated news corpus", function()
    local dir = os.tmpname()
    os.remove(dir)
    assert(os.execute(("lua5.4 bench/gen_corpus.lua --mb 0.1 --seed 11 --out %s --quiet")
      :format(helpers.quote(dir))))
    local f = assert(io.open(dir .. "/corpus.txt", "rb"))
    local text = f:read("a")
    f:close()
    local spans = stet.paragraphs(text, { spans = true })
    assert.is_true(#spans > 200)
    local bad, nonascii = 0, 0
    for _, sp in ipairs(spans) do
      local i, j = sp.start, sp.stop
      assert.are.equal(sp.text, text:sub(i, j))
      if text:sub(i, j):find("[\128-\255]") then nonascii = nonascii + 1 end
      if diverges(text, i, j) then bad = bad + 1 end
    end
    assert.is_true(nonascii > 20)
    assert.are.equal(0, bad)
    os.execute("rm -rf " .. helpers.quote(dir))
  end)
end)

describe("stet hash tables", function()
  it("are the same file as stet.counter fed paragraph by paragraph", function()
    local dir = os.tmpname()
    os.remove(dir)
    assert(os.execute(("lua5.4 bench/gen_corpus.lua --mb 0.3 --seed 5 --out %s --quiet")
      :format(helpers.quote(dir))))
    local out = dir .. "/cli.tbl"
    local _, err, code = helpers.run({ "hash", "-o", out, dir .. "/text" })
    assert.are.equal(0, code, err)
    -- the reference: the same files in the same order, one document each
    local t = stet.counter()
    local files = stet.find_files(dir .. "/text")
    assert.is_true(#files > 50)
    for doc, path in ipairs(files) do
      local f = assert(io.open(path, "rb"))
      local body = f:read("a")
      f:close()
      local site = path:match("([^/]+)/[^/]+$")
      for _, p in ipairs(stet.paragraphs(body)) do t:add(stet.fingerprint(p), site, doc, p) end
    end
    local ref = dir .. "/ref.tbl"
    assert(t:save(ref))
    local a, b = assert(helpers.slurp(out)), assert(helpers.slurp(ref))
    assert.is_true(#a > 1000)
    assert.is_true(a == b, "the table of stet hash differs from the reference")
    -- and the JSON Lines form of the corpus counts the same entries
    local jout = dir .. "/jsonl.tbl"
    _, err, code = helpers.run({ "hash", "-o", jout, dir .. "/corpus.jsonl" })
    assert.are.equal(0, code, err)
    local function counts(p)
      local c = assert(stet.load_counter(p))
      local rows = {}
      for _, e in ipairs(c:top(1e6)) do rows[#rows + 1] = ("%d %s %d"):format(e.fp, e.site, e.count) end
      table.sort(rows)
      return rows
    end
    assert.are.same(counts(out), counts(jout))
    os.execute("rm -rf " .. helpers.quote(dir))
  end)
end)
