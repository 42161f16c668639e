-- spec/bench_gen_spec.lua: the benchmark corpus generator (bench/gen_corpus.lua)
-- is deterministic and makes what the benchmarks rely on: the same documents
-- in both forms, ~3% non-ASCII, broken encodings, site boilerplate and
-- near-duplicate pairs.
local cjson = require "cjson"
local helpers = require "support.helpers"

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function tempdir()
  local d = os.tmpname()
  os.remove(d)
  return d
end

local function generate(dir, seed)
  local cmd = ("lua5.4 bench/gen_corpus.lua --mb 0.2 --seed %d --out %s --quiet"):format(seed, helpers.quote(dir))
  local ok = os.execute(cmd)
  assert(ok, "generator failed: " .. cmd)
end

-- index.tsv as an array of { id, site, path, bytes, dup_of, flags }.
local function read_index(dir)
  local rows = {}
  for line in slurp(dir .. "/index.tsv"):gmatch("[^\n]+") do
    local id, site, path, bytes, dup_of, flags = line:match("^(.-)\t(.-)\t(.-)\t(.-)\t(.-)\t(.-)$")
    if id ~= "id" then
      rows[#rows + 1] = { id = id, site = site, path = path, bytes = tonumber(bytes),
        dup_of = dup_of ~= "-" and dup_of or nil, flags = flags }
    end
  end
  return rows
end

-- The set of 5-word shingles of a text, and the Jaccard similarity of two.
local function shingles(text)
  local words, set = {}, {}
  for w in text:gmatch("%w+") do words[#words + 1] = w:lower() end
  for i = 1, #words - 4 do set[table.concat(words, " ", i, i + 4)] = true end
  return set
end

local function jaccard(a, b)
  local inter, union = 0, 0
  for k in pairs(a) do
    union = union + 1
    if b[k] then inter = inter + 1 end
  end
  for k in pairs(b) do
    if not a[k] then union = union + 1 end
  end
  return union == 0 and 0 or inter / union
end

describe("bench/gen_corpus.lua", function()
  local dir1, dir2 = tempdir(), tempdir()
  local index, texts

  setup(function()
    generate(dir1, 7)
    generate(dir2, 7)
    index = read_index(dir1)
    texts = {}
    for _, row in ipairs(index) do texts[row.id] = slurp(dir1 .. "/" .. row.path) end
  end)

  teardown(function()
    os.execute("rm -rf " .. helpers.quote(dir1) .. " " .. helpers.quote(dir2))
  end)

  it("writes byte-identical output for the same seed, and other output for another seed", function()
    for _, name in ipairs({ "corpus.jsonl", "corpus.txt", "index.tsv", "manifest.json" }) do
      assert.is_true(slurp(dir1 .. "/" .. name) == slurp(dir2 .. "/" .. name), name .. " differs")
    end
    assert.is_true(#index >= 40, "only " .. #index .. " documents")
    for _, row in ipairs(index) do
      assert.is_true(texts[row.id] == slurp(dir2 .. "/" .. row.path), row.path .. " differs")
    end
    local dir3 = tempdir()
    generate(dir3, 8)
    local other = slurp(dir3 .. "/corpus.txt")
    os.execute("rm -rf " .. helpers.quote(dir3))
    assert.is_false(other == slurp(dir1 .. "/corpus.txt"))
  end)

  it("holds the same documents in the text folder, corpus.jsonl and corpus.txt", function()
    local n, total, concat = 0, 0, {}
    for line in slurp(dir1 .. "/corpus.jsonl"):gmatch("[^\n]+") do
      n = n + 1
      local rec = cjson.decode(line)
      local row = index[n]
      assert.are.equal(row.id, rec.id)
      assert.are.equal(row.site, rec.site)
      assert.are.equal("text/" .. rec.site .. "/" .. rec.id:match("%-(%d+)$") .. ".txt", row.path)
      assert.is_true(rec.text == texts[row.id], rec.id .. ": JSONL text differs from the file")
      assert.are.equal(row.bytes, #rec.text)
      assert.truthy(rec.date:match("^%d%d%d%d%-%d%d%-%d%d$"))
      assert.truthy(rec.url:match("^https://www%.[%w.]+/"))
      assert.is_true(#rec.title > 10)
      total = total + #rec.text
      concat[n] = rec.text .. "\n"
    end
    assert.are.equal(#index, n)
    assert.is_true(table.concat(concat) == slurp(dir1 .. "/corpus.txt"))
    local manifest = cjson.decode(slurp(dir1 .. "/manifest.json"))
    assert.are.equal(n, manifest.documents)
    assert.are.equal(total, manifest.text_bytes)
    assert.is_true(total >= 200000 and total < 210000, "text bytes " .. total)
  end)

  it("has about 3% non-ASCII bytes", function()
    local all = slurp(dir1 .. "/corpus.txt")
    local _, high = all:gsub("[\128-\255]", "")
    local share = high / #all
    assert.is_true(share > 0.02 and share < 0.045, ("non-ASCII share %.4f"):format(share))
  end)

  it("breaks the encoding of a few documents, and only of those", function()
    local invalid, crlf, mojibake, flagged = 0, 0, 0, 0
    for _, row in ipairs(index) do
      local text = texts[row.id]
      if row.flags:find("invalid") then
        invalid = invalid + 1
        assert.is_nil(utf8.len(text), row.id .. " should hold invalid UTF-8")
      else
        assert.is_truthy(utf8.len(text), row.id .. " should be valid UTF-8")
      end
      if row.flags:find("crlf") then
        crlf = crlf + 1
        assert.is_truthy(text:find("\r\n", 1, true))
        assert.is_nil(text:find("[^\r]\n"))
      else
        assert.is_nil(text:find("\r", 1, true))
      end
      if row.flags:find("mojibake") then
        mojibake = mojibake + 1
        assert.is_truthy(text:find("â€", 1, true) or text:find("Ã", 1, true), row.id .. " should show mojibake")
      end
      if row.flags ~= "-" then flagged = flagged + 1 end
    end
    assert.is_true(invalid >= 1 and crlf >= 1 and mojibake >= 1)
    assert.is_true(flagged < #index / 4, flagged .. " of " .. #index .. " documents have odd encodings")
  end)

  it("repeats each site's boilerplate paragraphs across its documents", function()
    local by_site = {}
    for _, row in ipairs(index) do
      local s = by_site[row.site] or { docs = 0, seen = {} }
      by_site[row.site] = s
      s.docs = s.docs + 1
      local text = texts[row.id]:gsub("\r\n", "\n")
      local once = {}
      for p in text:gmatch("[^\n]+") do
        if not once[p] then
          once[p] = true
          s.seen[p] = (s.seen[p] or 0) + 1
        end
      end
    end
    local checked = 0
    for site, s in pairs(by_site) do
      if s.docs >= 3 then
        checked = checked + 1
        local best = 0
        for _, c in pairs(s.seen) do best = math.max(best, c) end
        assert.is_true(best >= math.max(3, s.docs - 1), site .. ": no paragraph repeated across its pages")
      end
    end
    assert.is_true(checked >= 5, "only " .. checked .. " sites with 3 documents")
  end)

  it("has near-duplicate pairs that differ a little, unlike unrelated documents", function()
    local pairs_ = 0
    local previous
    for _, row in ipairs(index) do
      if row.dup_of then
        pairs_ = pairs_ + 1
        local copy, orig = texts[row.id], texts[row.dup_of]
        assert.is_truthy(orig, "original " .. row.dup_of .. " not in the corpus")
        assert.is_false(copy == orig)
        local sim = jaccard(shingles(copy), shingles(orig))
        assert.is_true(sim > 0.5, ("%s vs %s: similarity %.2f"):format(row.id, row.dup_of, sim))
      elseif previous then
        local sim = jaccard(shingles(texts[row.id]), shingles(texts[previous]))
        assert.is_true(sim < 0.3, ("%s vs %s: unrelated but similarity %.2f"):format(row.id, previous, sim))
      end
      if not row.dup_of then previous = row.id end
    end
    assert.is_true(pairs_ >= 1 and pairs_ <= #index / 10, pairs_ .. " near duplicates")
  end)
end)

describe("bench/gen_distinct.lua", function()
  it("writes N paragraphs whose fingerprints all differ, 100 a document, the same bytes each time", function()
    local stet = require "stet"
    local path = os.tmpname()
    assert(os.execute("lua5.4 bench/gen_distinct.lua 250 " .. helpers.quote(path)))
    local first = slurp(path)
    assert(os.execute("lua5.4 bench/gen_distinct.lua 250 " .. helpers.quote(path)))
    assert.are.equal(first, slurp(path))
    local t = stet.counter()
    local docs, paras = t:add_jsonl(path, 1, nil, "x", false, nil, function(line)
      error("not taken: " .. line)
    end)
    assert.are.equal(3, docs)
    assert.are.equal(250, paras)
    assert.are.equal(250, t:size())
    assert.are.same({ "distinct" }, t:sites())
    os.remove(path)
    assert.is_nil((os.execute("lua5.4 bench/gen_distinct.lua 0 " .. helpers.quote(path) .. " 2>/dev/null")))
  end)
end)
