-- spec/doc_spec.lua: the C document of the cleaning passes (stet._doc,
-- core/doc.c and core/lua_document.c): paragraphs, labels, body, summary,
-- dump and load, hook tables, buffer reuse.
local stet = require "stet"
local helpers = require "spec.support.helpers"

-- A small LCG, so every run builds the same texts.
local seed = 4242
local function rand(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n + 1
end

local PIECES = { "word", "Word", "42", " ", ", ", ".", "\n", "é", "É", "e\204\129", "\204\129",
                 "ﬁ", "’", "—", "日本", "\n\n", "  \n \n", "ÅNGSTRÖM", "x" }
local function random_text(n)
  local parts = {}
  for i = 1, n do parts[i] = PIECES[rand(#PIECES)] end
  return stet.normalize(table.concat(parts))
end

-- The example corpus, normalized, as the pipeline sees it.
local function corpus_texts()
  local out = {}
  for _, path in ipairs(stet.find_files("examples/corpus")) do
    out[#out + 1] = stet.normalize(helpers.slurp(path))
  end
  return out
end

describe("stet._doc", function()
  it("splits like stet.paragraphs, with stet.fingerprint of each paragraph", function()
    local texts = corpus_texts()
    for _ = 1, 200 do texts[#texts + 1] = random_text(rand(60)) end
    for _, text in ipairs(texts) do
      for _, lines in ipairs({ false, true }) do
        local d = stet._doc(text, lines)
        local want = stet.paragraphs(text, { lines = lines })
        assert.are.equal(#want, #d)
        for i, p in ipairs(want) do
          assert.are.equal(p, d:text(i))
          assert.are.equal(stet.fingerprint(p), d:fp(i))
          assert.is_nil(d:label(i))
        end
      end
    end
  end)

  it("gives the body fingerprint and MinHash of its kept paragraphs without building their key again", function()
    local texts = corpus_texts()
    for _ = 1, 300 do texts[#texts + 1] = random_text(rand(80)) end
    local checked = 0
    for _, text in ipairs(texts) do
      local d = stet._doc(text, false)
      for i = 1, #d do
        if rand(4) == 1 then d:set_label(i, "gone") end
      end
      local body, kept = d:body()
      local k, body_len, fps, body_fp, sig = d:summary(5)
      assert.are.equal(kept, k)
      assert.are.equal(#body, body_len)
      assert.are.equal(8 * kept, #fps)
      if kept > 0 then
        checked = checked + 1
        assert.are.equal(stet.body_fingerprint(body), body_fp)
        assert.are.equal(stet.minhash(body), sig)
        local j = 0
        for i = 1, #d do
          if not d:label(i) then
            j = j + 1
            assert.are.equal(d:fp(i), (string.unpack("<j", fps, 8 * j - 7)))
          end
        end
      else
        assert.is_nil(body_fp)
        assert.is_nil(sig)
      end
    end
    assert.is_true(checked > 250)
  end)

  it("gives the JSON literal of its body, escaped as JSON wants", function()
    local function reference(s)
      local map = { ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
                    ["\b"] = "\\b", ["\f"] = "\\f" }
      return '"' .. s:gsub('[%c"\\\127]', function(c)
        return map[c] or ("\\u%04x"):format(c:byte())
      end) .. '"'
    end
    local texts = corpus_texts()
    texts[#texts + 1] = ('q"\\\1\127é\t'):rep(3000) .. "\n\nend"
    for _ = 1, 100 do texts[#texts + 1] = random_text(rand(60)) .. "\"\\\r\t\2" end
    for _, text in ipairs(texts) do
      local d = stet._doc(text, false)
      if #d > 1 then d:set_label(1, "gone") end
      local body, kept = d:body()
      local literal, k = d:body_json()
      assert.are.equal(kept, k)
      assert.are.equal(reference(body), literal)
      assert.are.equal(reference(body), stet.json_quote(body))
    end
  end)

  it("splits a first line off, and keys a replaced text again", function()
    local d = stet._doc("June 7, 2017\nA headline\n\nBody text here.", false)
    assert.are.equal(2, #d)
    assert.is_true(d:split_line(1))
    assert.are.equal(3, #d)
    assert.are.equal("June 7, 2017", d:text(1))
    assert.are.equal("A headline", d:text(2))
    assert.are.equal(stet.fingerprint("A headline"), d:fp(2))
    assert.is_false(d:split_line(3))
    d:set_text(3, "Other text.")
    assert.are.equal("Other text.", d:text(3))
    assert.are.equal(stet.fingerprint("Other text."), d:fp(3))
    d:set_text(1, d:text(2)) -- a text of its own buffer
    assert.are.equal("A headline", d:text(1))
    local _, _, _, body_fp = d:summary()
    assert.are.equal(stet.body_fingerprint(d:body()), body_fp)
    assert.has_error(function() d:text(4) end)
    assert.has_error(function() d:set_label(0, "x") end)
  end)

  it("cuts at the first kept paragraph a pattern matches and labels the rest", function()
    local d = stet._doc("a\n\nGo deeper\n\nb\n\nRead more\n\nc", false)
    d:set_label(2, "share")
    local set = stet.patterns({ "^Read more$", "^Go deeper$" })
    local i, k = d:cut(set, 1)
    assert.are.equal(4, i)
    assert.are.equal(1, k)
    assert.are.same({ nil, "share", nil, "cut", "cut" }, { d:label(1), d:label(2), d:label(3), d:label(4), d:label(5) })
    assert.is_nil(stet._doc("nothing here", false):cut(set, 1))
  end)

  it("scans kept paragraphs, leaving those a function matcher may claim to Lua", function()
    local d = stet._doc("Share\n\nJane Doe / AP\n\nA long body paragraph / with a slash.\n\nPrint", false)
    local set = stet.patterns({ "^Share$", "^Print$" })
    -- pattern 1 has position 2, pattern 2 position 3; a function matcher at
    -- position 1 wants paragraphs of at most 20 bytes holding "/"
    local checks = d:scan(set, 1, #d, 0, { 2, 3 }, { "share", "print" },
      { { pos = 1, max_length = 20, contains = "/" } })
    assert.are.same({ 2, 0 }, checks)
    assert.are.same({ "share", nil, nil, "print" }, { d:label(1), d:label(2), d:label(3), d:label(4) })
    -- limit: paragraphs longer than it are left alone
    local d2 = stet._doc("Share\n\nShare this story with everyone you know today", false)
    d2:scan(stet.patterns({ "^Share" }), 1, 2, 10, { 1 }, { "share" }, {})
    assert.are.same({ "share", nil }, { d2:label(1), d2:label(2) })
  end)

  it("labels boilerplate from a counter and tallies fates", function()
    local d = stet._doc("Subscribe now\n\nBody one.\n\nBody two.", false)
    local c = stet.counter()
    for doc = 1, 3 do c:add(stet.fingerprint("Subscribe now"), "s", doc) end
    c:add(stet.fingerprint("Body one."), "s", 1)
    assert.are.equal(1, d:boilerplate(c, "s", 3))
    assert.are.equal("boilerplate", d:label(1))
    assert.are.equal(3, d:count(1))
    assert.are.equal(0, d:boilerplate(c, "other site", 1))
    local read, kept, labels = d:tally("written")
    assert.are.equal(3, read)
    assert.are.equal(2, kept)
    assert.are.same({ boilerplate = 1 }, labels)
    read, kept, labels = d:tally("duplicate")
    assert.are.equal(3, read)
    assert.are.equal(0, kept)
    assert.are.same({ boilerplate = 1, duplicate = 2 }, labels)
  end)

  it("dumps and loads every paragraph, label, marker, count and fingerprint", function()
    for _ = 1, 100 do
      local d = stet._doc(random_text(rand(70)), rand(2) == 1)
      for i = 1, #d do
        local r = rand(5)
        if r == 1 then d:set_label(i, "label" .. rand(3)) end
        if r == 2 then d:set_marker(i, "marker") end
      end
      local head = ("h"):rep(rand(40) - 1)
      local blob = d:dump(head)
      local e, got_head = stet._doc_load(blob)
      assert.are.equal(head, got_head)
      assert.are.same(d:tables(), e:tables())
      assert.are.equal(d:body(), e:body())
      local _, _, fps1, bfp1 = d:summary()
      local _, _, fps2, bfp2 = e:summary()
      assert.are.equal(fps1, fps2)
      assert.are.equal(bfp1, bfp2)
    end
  end)

  it("refuses a truncated or altered dump with an error, never a crash", function()
    local d = stet._doc("One.\n\nTwo.\n\nThree.", false)
    d:set_label(2, "x")
    local blob = d:dump("head")
    for n = 0, #blob - 1 do
      assert.has_error(function() stet._doc_load(blob:sub(1, n)) end, "not a dumped document")
    end
    assert.has_error(function() stet._doc_load(blob .. "x") end, "not a dumped document")
    local bad_label = blob:gsub("SDC1", "SDC2")
    assert.has_error(function() stet._doc_load(bad_label) end, "not a dumped document")
    for _ = 1, 300 do -- random bytes changed: an error or a document, never a crash
      local pos = rand(#blob)
      local altered = blob:sub(1, pos - 1) .. string.char(rand(256) - 1) .. blob:sub(pos + 1)
      pcall(stet._doc_load, altered)
    end
  end)

  it("round-trips through the paragraph tables hooks see", function()
    local d = stet._doc("Alpha.\n\nBeta.\n\nGamma.", false)
    d:set_label(2, "credit")
    d:set_marker(3, "Go deeper")
    local t = d:tables()
    assert.are.same({ text = "Beta.", index = 2, fp = stet.fingerprint("Beta."), drop = "credit" }, t[2])
    assert.are.equal("Go deeper", t[3].marker)
    t[1].text = "Alpha, changed."
    t[3].drop = true
    table.insert(t, { text = "Delta." })
    d:load_tables(t)
    assert.are.equal(4, #d)
    assert.are.equal("Alpha, changed.", d:text(1))
    assert.are.equal(stet.fingerprint("Alpha, changed."), d:fp(1))
    assert.are.same({ nil, "credit", "dropped", nil }, { d:label(1), d:label(2), d:label(3), d:label(4) })
    assert.has_error(function() d:load_tables({ { drop = "x" } }) end)
  end)

  it("hands its buffers to the next document once released", function()
    local big = stet._doc(("A long paragraph of words.\n\n"):rep(500), false)
    assert.are.equal(500, #big)
    big:release()
    assert.are.equal(0, #big)
    assert.are.equal("", (big:body()))
    local small = stet._doc("Just this.\n\nAnd this.", false)
    assert.are.equal(2, #small)
    assert.are.equal("Just this.", small:text(1))
    assert.are.equal("Just this.\n\nAnd this.", (small:body()))
    local e = stet._doc_load(small:dump())
    small:release()
    assert.are.equal("And this.", e:text(2))
  end)
end)

describe("stet._doc_file", function()
  -- what the general way makes of a file: read, normalize, split
  local function general(path, lines)
    return stet._doc(stet.normalize(assert(stet.read_file(path))), lines)
  end

  local function same_doc(a, b)
    assert.are.equal(#b, #a)
    for i = 1, #b do
      assert.are.equal(b:text(i), a:text(i))
      assert.are.equal(b:fp(i), a:fp(i))
    end
    local _, blen, bfps, bfp, bsig = b:summary(5, 112)
    local _, alen, afps, afp, asig = a:summary(5, 112)
    assert.are.same({ blen, bfps, bfp, bsig }, { alen, afps, afp, asig })
  end

  it("makes the document of a plain text file as read, normalize and split do", function()
    local files = {}
    for _, path in ipairs(stet.find_files("examples/corpus")) do
      if path:match("%.txt$") then files[#files + 1] = path end
    end
    assert.is_true(#files > 10)
    local dir = helpers.tree({ ["mixed.txt"] = "Caf\195\169 \226\128\156quoted\226\128\157\r\n\r\nNext\tpart",
                               ["lines.txt"] = "one\ntwo\n\nthree" })
    files[#files + 1] = dir .. "/mixed.txt"
    files[#files + 1] = dir .. "/lines.txt"
    for _, path in ipairs(files) do
      local size = select(2, stet.stat(path))
      for _, lines in ipairs({ false, true }) do
        local d, bytes = stet._doc_file(path, size, nil, lines)
        assert.are.equal(#helpers.slurp(path), bytes)
        same_doc(d, general(path, lines))
      end
    end
    helpers.rmtree(dir)
  end)

  it("reads the whole file whatever size it is told", function()
    local text = ("Words of a paragraph.\n\n"):rep(400)
    local path = helpers.tempfile(text)
    for _, size in ipairs({ 0, 1, #text - 1, #text, #text + 1, 2 * #text }) do
      assert.are.equal(text, stet.read_file(path, size))
      local d, bytes = stet._doc_file(path, size)
      assert.are.equal(#text, bytes)
      assert.are.equal(400, #d)
    end
    os.remove(path)
  end)

  it("passes normalization options on", function()
    local path = helpers.tempfile("CAF\195\137 \239\172\129ne")
    local d = stet._doc_file(path, nil, { casefold = true, form = "NFKC" })
    assert.are.equal(stet.normalize("CAF\195\137 \239\172\129ne", { casefold = true, form = "NFKC" }), d:text(1))
    os.remove(path)
  end)

  it("decompresses gzip and zstd files, and leaves binary, broken, missing and folder paths to the general way", function()
    local dir = helpers.tree({ ["bin.txt"] = "abc\0def", ["ok.txt"] = "fine" })
    helpers.sh("printf 'some text' | gzip > " .. helpers.quote(dir .. "/gz.txt"))
    helpers.sh("printf 'some text' | gzip > " .. helpers.quote(dir .. "/plain.gz"))
    helpers.sh("printf 'zstd text' | zstd -q > " .. helpers.quote(dir .. "/z.txt.zst"))
    helpers.sh("head -c 12 " .. helpers.quote(dir .. "/gz.txt") .. " > " .. helpers.quote(dir .. "/cut.txt.gz"))
    helpers.sh("printf 'x\\000y' | gzip > " .. helpers.quote(dir .. "/bin.txt.gz"))
    for name, text in pairs({ ["gz.txt"] = "some text", ["plain.gz"] = "some text", ["z.txt.zst"] = "zstd text" }) do
      local d, bytes = stet._doc_file(dir .. "/" .. name)
      assert.are.equal(text, d:text(1), name)
      assert.are.equal(#text, bytes, name) -- the text's length, not the file's
    end
    for _, name in ipairs({ "bin.txt", "bin.txt.gz", "cut.txt.gz", "missing.txt" }) do
      assert.is_nil(stet._doc_file(dir .. "/" .. name), name)
    end
    assert.is_nil(stet._doc_file(dir))
    assert.are.equal("fine", stet._doc_file(dir .. "/ok.txt"):text(1))
    helpers.rmtree(dir)
  end)
end)
