-- spec/counter_spec.lua: stet.counter and stet.load_counter.
local stet = require "stet"

local function tmp()
  local p = os.tmpname()
  os.remove(p)
  return p
end

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function spit(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

-- A small table: three sites, boilerplate repeated across documents.
local function sample_table()
  local t = stet.counter()
  local footer = stet.fingerprint("Subscribe to our newsletter!")
  for doc = 1, 5 do
    t:add(footer, "axios", doc, "Subscribe to our newsletter!")
    t:add(stet.fingerprint("story " .. string.char(96 + doc)), "axios", doc)
  end
  t:add(footer, "reuters", 100)
  t:add(stet.fingerprint("Reuters staff"), "reuters", 100)
  t:add(stet.fingerprint("Reuters staff"), "reuters", 101)
  return t, footer
end

describe("counter:sub", function()
  it("takes counts off a pair, never below zero, and ignores what it does not hold", function()
    local c = stet.counter()
    local fp = stet.fingerprint("A paragraph.")
    for doc = 1, 5 do c:add(fp, "s", doc) end
    c:sub(fp, "s", 3)
    assert.are.equal(2, c:count(fp, "s"))
    c:sub(fp, "s", 10)
    assert.are.equal(0, c:count(fp, "s"))
    c:sub(fp, "other site", 1)
    c:sub(stet.fingerprint("Not there."), "s", 1)
    assert.are.equal(0, c:count(stet.fingerprint("Not there."), "s"))
    assert.has_error(function() c:sub(fp, "s", -1) end)
  end)
end)

describe("counter:sub_cluster", function()
  it("counts a cluster once per site, each member once per fingerprint", function()
    -- clusters of 2..5 members over a few sites, with repeats inside a
    -- member; the reference counts with Lua tables
    math.randomseed(99)
    local rand = math.random
    local pool = {}
    -- (digits all key as "0": the paragraphs differ by letters)
    for i = 1, 40 do pool[i] = stet.fingerprint("paragraph " .. ("x"):rep(i)) end
    local c, want = stet.counter(), {}
    local doc = 0
    local clusters = {}
    for _ = 1, 60 do
      local fps, sites = {}, {}
      for m = 1, rand(4) + 1 do
        local site = "site" .. rand(3)
        local parts, seen = {}, {}
        for _ = 1, rand(12) do
          local fp = pool[rand(#pool)]
          parts[#parts + 1] = string.pack("<j", fp)
          if not seen[fp] then
            seen[fp] = true
            local key = site .. "\0" .. fp
            want[key] = (want[key] or 0) + 1
          end
        end
        doc = doc + 1
        fps[m], sites[m] = table.concat(parts), site
        c:add_all(fps[m], site, doc)
      end
      clusters[#clusters + 1] = { fps, sites }
    end
    -- what each cluster counted more than once comes off
    for _, cl in ipairs(clusters) do
      local per = {}
      for m, fps in ipairs(cl[1]) do
        local seen = {}
        for i = 1, #fps, 8 do
          local fp = string.unpack("<j", fps, i)
          if not seen[fp] then
            seen[fp] = true
            local key = cl[2][m] .. "\0" .. fp
            per[key] = (per[key] or 0) + 1
          end
        end
      end
      for key, n in pairs(per) do want[key] = want[key] - (n - 1) end
      c:sub_cluster(cl[1], cl[2])
    end
    local checked = 0
    for key, n in pairs(want) do
      local site, fp = key:match("^(.-)%z(.*)$")
      assert.are.equal(n, c:count(math.tointeger(fp), site))
      checked = checked + 1
    end
    assert.is_true(checked > 50)
    -- a site the table never saw changes nothing
    c:sub_cluster({ string.pack("<j", pool[1]) .. string.pack("<j", pool[1]) }, { "nowhere" })
    assert.has_error(function() c:sub_cluster({ true }, { "s" }) end)
  end)
end)

describe("counter:reserve", function()
  it("makes room without changing what the table holds", function()
    local a, b = stet.counter(), stet.counter()
    b:reserve(50000)
    for doc = 1, 2000 do
      for k = 1, 12 do
        local fp = stet.fingerprint("paragraph " .. (doc * 7 + k) % 5000)
        a:add(fp, "s" .. k % 3, doc)
        b:add(fp, "s" .. k % 3, doc)
      end
    end
    assert.are.equal(a:size(), b:size())
    assert.are.same(a:top(50), b:top(50))
    for x = 1, 100 do
      local fp = stet.fingerprint("paragraph " .. x)
      assert.are.equal(a:count(fp, "s1"), b:count(fp, "s1"))
    end
    assert.has_error(function() b:reserve(-1) end)
  end)
end)

describe("stet.counter", function()
  it("counts in how many documents a fingerprint occurs", function()
    local t = stet.counter()
    local fp = stet.fingerprint("Read more")
    assert.are.equal(1, t:add(fp, "s", 1))
    assert.are.equal(2, t:add(fp, "s", 2))
    assert.are.equal(2, t:count(fp, "s"))
    assert.are.equal(1, t:size())
  end)

  it("counts a paragraph repeated inside one document once", function()
    local t = stet.counter()
    local fp = stet.fingerprint("Share this story")
    for _ = 1, 3 do t:add(fp, "s", "doc-a") end
    assert.are.equal(1, t:count(fp, "s"))
    t:add(fp, "s", "doc-b")
    t:add(fp, "s", "doc-b")
    assert.are.equal(2, t:count(fp, "s"))
  end)

  it("counts each site separately", function()
    local t = stet.counter()
    local fp = stet.fingerprint("Advertisement")
    t:add(fp, "axios", 1)
    t:add(fp, "axios", 2)
    t:add(fp, "reuters", 3)
    assert.are.equal(2, t:count(fp, "axios"))
    assert.are.equal(1, t:count(fp, "reuters"))
    assert.are.equal(0, t:count(fp, "bbc"))
    assert.are.equal(2, t:size())
    assert.are.same({ "axios", "reuters" }, t:sites())
  end)

  it("never counts the empty key", function()
    local t = stet.counter()
    assert.are.equal(0, t:add(stet.fingerprint("* * *"), "s", 1))
    assert.are.equal(0, t:add(stet.FP_EMPTY, "s", 2))
    assert.are.equal(0, t:size())
    assert.are.equal(0, t:count(stet.FP_EMPTY, "s"))
  end)

  it("keeps every count right while it grows", function()
    local t = stet.counter()
    local n = 200000
    for i = 1, n do
      local fp = i * 0x9E3779B97F4A7C15 -- distinct, non-zero
      t:add(fp, i % 3 == 0 and "b" or "a", i)
      if i % 7 == 0 then t:add(fp, i % 3 == 0 and "b" or "a", -i) end
    end
    assert.are.equal(n, t:size())
    local bad = 0
    for i = 1, n do
      local want = i % 7 == 0 and 2 or 1
      if t:count(i * 0x9E3779B97F4A7C15, i % 3 == 0 and "b" or "a") ~= want then bad = bad + 1 end
    end
    assert.are.equal(0, bad)
    assert.is_true(t:memory() <= 24 * n + 65536, "bytes per entry: " .. t:memory() / n)
  end)

  it("grows by what a file read so far projects, to the same counts and no more memory", function()
    -- add_jsonl tells the table how far into the file it is; the table then
    -- grows to the size the entries so far project, in a few steps
    local word = require("spec.support.helpers").word -- (numbers would key alike)
    local path, docs = tmp(), {}
    local f = assert(io.open(path, "wb"))
    for d = 1, 3000 do
      local paras = {}
      for p = 1, 100 do paras[p] = "story " .. word(d * 100 + p) end
      paras[101] = "Subscribe now"
      docs[d] = table.concat(paras, "\n\n")
      f:write('{"text": "', (docs[d]:gsub("\n", "\\n")), '"}\n')
    end
    f:close()
    local a, b = stet.counter(), stet.counter()
    a:add_jsonl(path, 1, nil, "s", false, nil, function() end)
    for d, text in ipairs(docs) do b:add_paragraphs(text, "s", d, false) end
    local n = 300001
    assert.are.equal(n, a:size())
    assert.are.same(b:top(3), a:top(3))
    assert.are.equal(3000, a:count(stet.fingerprint("Subscribe now"), "s"))
    assert.is_true(a:memory() <= 24 * n + 65536, "bytes per entry: " .. a:memory() / n)
    assert.is_true(a:memory() <= b:memory() * 1.1, a:memory() .. " against " .. b:memory())
    local pa, pb = tmp(), tmp()
    assert(a:save(pa))
    assert(b:save(pb))
    assert.are.equal(slurp(pb), slurp(pa))
    for _, p in ipairs({ path, pa, pb }) do os.remove(p) end
    -- add_files takes the whole run's range; it must hold the call's
    assert.has_error(function() a:add_files({ "x" }, 1, 1, 1, nil, false, 2, 3) end)
  end)

  it("takes how far a run has gone with t:work and grows by its projection", function()
    -- a fiftieth of the run made these entries: at its first growth (1,024
    -- home slots, 4/5 full) the table would make room for fifty times as
    -- many, but it grows eightfold at most; a table told nothing doubles
    local a, b = stet.counter(), stet.counter()
    a:work(0, 1000)
    for i = 1, 820 do
      a:work(20, 1000)
      a:add(i * 0x9E3779B97F4A7C15, "s", i)
      b:add(i * 0x9E3779B97F4A7C15, "s", i)
    end
    a:work(0, 0)
    assert.are.same(b:top(5), a:top(5))
    local ratio = a:memory() / b:memory()
    assert.is_true(ratio > 3 and ratio < 5, a:memory() .. " against " .. b:memory())
    assert.has_error(function() a:work(-1, 10) end)
    assert.has_error(function() a:work(1, -10) end)
  end)

  it("lists the most frequent entries with their samples", function()
    local t, footer = sample_table()
    local top = t:top(2)
    assert.are.equal(2, #top)
    assert.are.same({ fp = footer, site = "axios", count = 5,
                      sample = "Subscribe to our newsletter!" }, top[1])
    assert.are.equal("reuters", top[2].site)
    assert.are.equal(2, top[2].count)
    assert.is_nil(top[2].sample) -- added without text
    local r = t:top(10, "reuters")
    assert.are.equal(2, #r)
    assert.are.equal(1, r[2].count)
    assert.are.same({}, t:top(3, "unknown"))
    assert.are.equal(8, #t:top(100))
  end)

  it("takes a sample from a later add when the second one came without text", function()
    local t = stet.counter()
    local fp = stet.fingerprint("Read more")
    t:add(fp, "s", 1, "Read more")
    t:add(fp, "s", 2) -- count 2, no text
    assert.is_nil(t:top(1)[1].sample)
    t:add(fp, "s", 3, "Read more!")
    assert.are.equal("Read more!", t:top(1)[1].sample)
    t:add(fp, "s", 4, "Read more?") -- the first sample stays
    assert.are.equal("Read more!", t:top(1)[1].sample)
    local m = stet.counter() -- counts merged in without samples
    m:add(fp, "s", 1, "Read more")
    local o = stet.counter()
    o:add(fp, "s", 1)
    m:merge(o)
    assert.is_nil(m:top(1)[1].sample)
    m:add(fp, "s", 2, "Read more.")
    assert.are.equal(3, m:top(1)[1].count)
    assert.are.equal("Read more.", m:top(1)[1].sample)
  end)

  it("keeps at most 80 bytes of a sample, cut at a character boundary", function()
    local t = stet.counter()
    local text = ("\u{E9}"):rep(60) -- 120 bytes
    local fp = stet.fingerprint(text)
    t:add(fp, "s", 1, text)
    t:add(fp, "s", 2, text)
    assert.are.equal(("\u{E9}"):rep(40), t:top(1)[1].sample)
  end)

  it("merges tables into the table of the whole", function()
    local whole = stet.counter()
    local a, b = stet.counter(), stet.counter()
    for doc = 1, 40 do
      local shard = doc <= 20 and a or b
      for p = 1, 6 do
        local text = "paragraph " .. string.char(96 + (doc * p) % 9 + 1)
        local site = doc % 2 == 0 and "even" or "odd"
        whole:add(stet.fingerprint(text), site, doc, text)
        shard:add(stet.fingerprint(text), site, doc, text)
      end
    end
    assert.are.equal(a, a:merge(b))
    assert.are.equal(whole:size(), a:size())
    assert.are.same(whole:top(1000), a:top(1000))
  end)

  it("adds the blank-line paragraphs of a text with add_paragraphs", function()
    local t = stet.counter()
    local text = "  First line\nof one paragraph.  \n \t\n\nSecond.\r\n\r\nSecond.\n"
    assert.are.equal(3, t:add_paragraphs(text, "s", 1))
    assert.are.equal(1, t:count(stet.fingerprint("First line\nof one paragraph."), "s"))
    assert.are.equal(1, t:count(stet.fingerprint("Second."), "s")) -- once per document
    assert.are.equal(2, t:size())
    assert.are.equal(3, t:add_paragraphs(text, "s", 2))
    assert.are.same({ "First line\nof one paragraph.", "Second." },
      { t:top(2)[1].sample, t:top(2)[2].sample })
    assert.are.equal(0, t:add_paragraphs(" \n\n ", "s", 3))
  end)

  it("splits paragraphs at lines of spaces, tabs, CR, FF or VT", function()
    local t = stet.counter()
    assert.are.equal(3, t:add_paragraphs("One.\n\f\v \nTwo.\r\n\t\r\nThree.", "s", 1))
    assert.are.equal(1, t:count(stet.fingerprint("Three."), "s"))
  end)

  it("adds the paragraphs of a file with add_file, as add_paragraphs does", function()
    local text = "Breaking news.\n\nSubscribe now!\n\n\nSubscribe now!\n"
    local path = tmp()
    spit(path, text)
    local a, b = stet.counter(), stet.counter()
    local paras, bytes = a:add_file(path, "s", 1)
    assert.are.equal(3, paras)
    assert.are.equal(#text, bytes)
    assert.are.equal(3, b:add_paragraphs(text, "s", 1))
    assert.are.same(b:top(10), a:top(10))
    assert.are.equal(2, a:size())
    os.remove(path)
  end)

  it("adds runs of files with add_files: folder sites, numbered documents, errors", function()
    local dir = tmp()
    assert(os.execute("mkdir -p " .. dir .. "/alpha " .. dir .. "/beta"))
    local footer = "Subscribe now!"
    local texts = { "First story.\n\n" .. footer, "Second story.\n\n" .. footer .. "\n\n" .. footer,
      "Third story.\n\n" .. footer }
    spit(dir .. "/alpha/1.txt", texts[1])
    spit(dir .. "/alpha/2.txt", texts[2])
    spit(dir .. "/beta/3.txt", texts[3])
    local files = { dir .. "/alpha/1.txt", dir .. "/alpha/2.txt", dir .. "/alpha/missing.txt",
      dir .. "/beta/3.txt", "top.txt" }
    local a, b = stet.counter(), stet.counter()
    local docs, paras, bytes, errs = a:add_files(files, 1, 4, 10)
    assert.are.equal(3, docs)
    assert.are.equal(7, paras)
    assert.are.equal(#texts[1] + #texts[2] + #texts[3], bytes)
    assert.are.equal(1, #errs)
    assert.matches("missing%.txt: No such file or directory", errs[1])
    assert.are.same({ "alpha", "beta" }, a:sites())
    assert.are.equal(2, a:count(stet.fingerprint(footer), "alpha")) -- once per document
    assert.are.equal(1, a:count(stet.fingerprint(footer), "beta"))
    for k, f in ipairs({ files[1], files[2], files[4] }) do
      b:add_file(f, k == 3 and "beta" or "alpha", 9 + k)
    end
    assert.are.same(b:top(10), a:top(10))
    local c = stet.counter()
    assert.are.same({ 1, 2, #texts[3], {}, {} }, { c:add_files(files, 4, 4, 1, "all") })
    -- a binary file (a NUL early on) is skipped and named, as stet clean rejects it
    spit(dir .. "/beta/4.bin", "STETTBL1\0\0\0" .. texts[3])
    local d = stet.counter()
    assert.are.same({ 1, 2, #texts[3], {}, { dir .. "/beta/4.bin" } },
      { d:add_files({ dir .. "/beta/3.txt", dir .. "/beta/4.bin" }, 1, 2, 1) })
    assert.are.same(c:top(10)[1].count, d:top(10)[1].count)
    os.remove(dir .. "/beta/4.bin")
    assert.are.same({ "all" }, c:sites())
    for _, f in ipairs({ "alpha/1.txt", "alpha/2.txt", "beta/3.txt" }) do os.remove(dir .. "/" .. f) end
    os.remove(dir .. "/alpha")
    os.remove(dir .. "/beta")
    os.remove(dir)
  end)

  it("adds JSON Lines with add_jsonl whatever the block size, handing odd lines back", function()
    local lines = {
      '{"text": "One.\\n\\nSubscribe now!", "site": "s\\u00e9"}',
      '',
      '  {"site": "x"}',
      '{"text": "Two.\\n\\nSubscribe now!"}',
      '{"text": broken',
      '{"text": "Plain, no escapes", "site": "plain"}',
      '{"text": "Crlf.\\n\\nSubscribe now!"} \t\r',
      '{"text": "Split by a raw',
      'newline"}',
      '{"text": "One object"} {"text": "then another"}',
      '{"text": "Split between tokens",',
      '"site": "x"}',
      '{"text": "Last.\\n\\nSubscribe now!"}',
    }
    local texts = { "One.\n\nSubscribe now!", "Handed back.", "Two.\n\nSubscribe now!",
      "Plain, no escapes", "Crlf.\n\nSubscribe now!", "Last.\n\nSubscribe now!" }
    local bytes_want = 0
    for _, t in ipairs(texts) do bytes_want = bytes_want + #t end
    local path = tmp()
    spit(path, table.concat(lines, "\n")) -- no final newline
    local want
    -- in blocks of every size, and mapped (where lines are scanned without
    -- finding their ends first)
    for _, bs in ipairs({ 1, 3, 7, 64, 4096, "mapped" }) do
      local t, seen = stet.counter(), {}
      local docs, paras, bytes, err = t:add_jsonl(path, 5, nil, "folder", true,
        bs ~= "mapped" and bs or nil,
        function(line, lineno)
          seen[#seen + 1] = lineno .. ":" .. line
          if lineno == 3 then return "Handed back.", "fb" end
        end)
      assert.is_nil(err)
      assert.are.same({ "3:" .. lines[3], "5:" .. lines[5], "8:" .. lines[8], "9:" .. lines[9],
        "10:" .. lines[10], "11:" .. lines[11], "12:" .. lines[12] }, seen)
      assert.are.equal(6, docs)
      assert.are.equal(10, paras)
      assert.are.equal(bytes_want, bytes)
      assert.are.same({ "s\u{e9}", "fb", "folder", "plain" }, t:sites())
      assert.are.equal(3, t:count(stet.fingerprint("Subscribe now!"), "folder"))
      want = want or t:top(20)
      assert.are.same(want, t:top(20))
    end
    local r = stet.counter()
    r:add_paragraphs(texts[1], "s\u{e9}", 5)
    r:add_paragraphs(texts[2], "fb", 6)
    r:add_paragraphs(texts[3], "folder", 7)
    r:add_paragraphs(texts[4], "plain", 8)
    r:add_paragraphs(texts[5], "folder", 9)
    r:add_paragraphs(texts[6], "folder", 10)
    assert.are.same(r:top(20), want)
    local f = stet.counter()
    f:add_jsonl(path, 1, "fixed", "folder", false, 10, function() end)
    assert.are.same({ "fixed" }, f:sites())
    assert(os.execute("gzip -f " .. path))
    local g = stet.counter()
    assert.are.same({ 5, 9, bytes_want - #texts[2] }, { g:add_jsonl(path .. ".gz", 5, nil, "folder",
      true, 4096, function() end) })
    os.remove(path .. ".gz")
    local _, _, _, err = g:add_jsonl(path .. ".gz", 1, nil, "folder", true, 64, function() end)
    assert.matches("%.gz: No such file or directory", err)
    spit(path, '{"text": broken\n')
    assert.has_error(function()
      g:add_jsonl(path, 1, nil, "folder", true, 64, function() error("raised") end)
    end, "raised")
    os.remove(path)
  end)

  it("splits a JSON line's text where its escapes put newlines, as add_paragraphs splits it", function()
    -- add_jsonl takes the newlines from the JSON scan instead of searching
    -- the text; random texts of blank lines (spaces, tabs, CR, FF, VT),
    -- leading and trailing blanks, \u000A escapes, raw tabs, and one with
    -- more newlines than the scan has room to note
    local rnd = 12345
    local function rand(n) -- a small LCG: the same texts on every run
      rnd = (rnd * 1103515245 + 12345) % 2147483648
      return rnd % n + 1
    end
    local pieces = { "a", "Word", "Subscribe now!", " ", "  ", "\t", "\r", "\f", "\v", "\n", "\n",
      "\n\n", "\r\n", "caf\u{e9}", "\"q\"", "\\", "Read more", "9" }
    local docs = {}
    for d = 1, 400 do
      local t = {}
      for i = 1, rand(40) - 1 do t[i] = pieces[rand(#pieces)] end
      docs[d] = table.concat(t)
    end
    docs[#docs + 1] = ("Line\n\n"):rep(5000) .. "End"
    -- lines of more than a MiB, with and without escapes
    docs[#docs + 1] = ("A long paragraph. "):rep(70000)
    docs[#docs + 1] = ("A long paragraph.\n\n"):rep(70000)
    docs[#docs + 1] = "\n\n  \n"
    docs[#docs + 1] = ""
    local path = tmp()
    local f = assert(io.open(path, "wb"))
    for d, text in ipairs(docs) do
      local j = require("stet.json").encode({ text = text })
      if d % 3 == 0 then j = j:gsub("\\n", "\\u000A") end
      f:write(j, "\n")
    end
    f:close()
    local want, ps = stet.counter(), 0
    for d, text in ipairs(docs) do ps = ps + want:add_paragraphs(text, "s", d) end
    local pw = tmp()
    assert(want:save(pw))
    for _, bs in ipairs({ false, 4096 }) do -- mapped, and read in blocks
      local t = stet.counter()
      local n, paras = t:add_jsonl(path, 1, "s", "s", true, bs or nil, function(line)
        error("handed back: " .. line)
      end)
      assert.are.equal(#docs, n)
      assert.are.equal(ps, paras)
      local pt = tmp()
      assert(t:save(pt))
      assert.are.equal(slurp(pw), slurp(pt), "block size " .. tostring(bs))
      os.remove(pt)
    end
    os.remove(pw)
    os.remove(path)
  end)

  it("reads gzip files with add_file and reports a missing file", function()
    local text = ("A paragraph of text.\n\n"):rep(3) .. "Last one."
    local path = tmp()
    spit(path, text)
    assert(os.execute("gzip -f " .. path))
    local t = stet.counter()
    local paras, bytes = t:add_file(path .. ".gz", "s", 1, false)
    assert.are.equal(4, paras)
    assert.are.equal(#text, bytes)
    assert.are.equal(1, t:count(stet.fingerprint("A paragraph of text."), "s"))
    assert.is_nil(t:top(1)[1].sample) -- samples off
    os.remove(path .. ".gz")
    local none, err = t:add_file(path .. ".missing", "s", 2)
    assert.is_nil(none)
    assert.matches("%.missing: No such file or directory", err)
    spit(path .. ".gz", "plain text, named .gz")
    local bad, why = t:add_file(path .. ".gz", "s", 4)
    assert.is_nil(bad)
    assert.matches("%.gz: not in gzip format", why)
    os.remove(path .. ".gz")
    local dir = tmp()
    assert(os.execute("mkdir " .. dir))
    assert.matches("Is a directory", select(2, t:add_file(dir, "s", 5)))
    os.remove(dir)
    local empty = tmp()
    spit(empty, "")
    assert.are.same({ 0, 0 }, { t:add_file(empty, "s", 3) })
    os.remove(empty)
  end)

  it("refuses to merge a table into itself", function()
    local t = stet.counter()
    assert.has_error(function() t:merge(t) end)
  end)
end)

describe("counter files", function()
  it("round-trip through save and load", function()
    local t = sample_table()
    local path = tmp()
    assert.is_true(t:save(path))
    local u = assert(stet.load_counter(path))
    assert.are.equal(t:size(), u:size())
    assert.are.same(t:sites(), u:sites())
    assert.are.same(t:top(100), u:top(100))
    assert.is_nil(io.open(path .. ".tmp")) -- renamed into place
    assert.are.equal("STETTBL1", slurp(path):sub(1, 8))
    os.remove(path)
  end)

  it("round-trip an empty table", function()
    local path = tmp()
    assert.is_true(stet.counter():save(path))
    assert.are.equal(0, assert(stet.load_counter(path)):size())
    os.remove(path)
  end)

  it("refuse a truncated file", function()
    local path = tmp()
    sample_table():save(path)
    local s = slurp(path)
    for _, keep in ipairs({ 20, 60, #s - 30, #s - 1 }) do
      spit(path, s:sub(1, keep))
      local t, err = stet.load_counter(path)
      assert.is_nil(t)
      assert.matches("^" .. path:gsub("%p", "%%%0") .. ": truncated", err)
    end
    os.remove(path)
  end)

  it("refuse a corrupted file", function()
    local path = tmp()
    sample_table():save(path)
    local s = slurp(path)
    local at = #s - 40 -- inside the entries
    spit(path, s:sub(1, at - 1) .. string.char((s:byte(at) + 1) % 256) .. s:sub(at + 1))
    local t, err = stet.load_counter(path)
    assert.is_nil(t)
    assert.matches(": corrupted", err)
    spit(path, s .. "x")
    assert.matches(": corrupted %(data after the checksum%)", select(2, stet.load_counter(path)))
    os.remove(path)
  end)

  it("refuse a foreign file and a future version", function()
    local path = tmp()
    spit(path, "{\"text\": \"this is JSON, not a table\"}\n")
    local t, err = stet.load_counter(path)
    assert.is_nil(t)
    assert.matches(": not a stet counting table", err)
    sample_table():save(path)
    local s = slurp(path)
    spit(path, s:sub(1, 8) .. "\2" .. s:sub(10))
    assert.matches(": unsupported table version 2", select(2, stet.load_counter(path)))
    os.remove(path)
  end)

  it("report a missing file as nil and a message", function()
    local t, err = stet.load_counter("/nonexistent/table.tbl")
    assert.is_nil(t)
    assert.are.equal("/nonexistent/table.tbl: No such file or directory", err)
  end)

  it("report a save that cannot be written", function()
    local ok, err = stet.counter():save("/nonexistent/dir/t.tbl")
    assert.is_nil(ok)
    assert.matches("^/nonexistent/dir/t.tbl: cannot write", err)
  end)
end)

describe("counter:add_all", function()
  it("adds an array of fingerprints for one document, as add would", function()
    local a, b = stet.counter(), stet.counter()
    a:add_all({ 11, 22, 22, 33 }, "site", 1)
    a:add_all({ 22, 44 }, "site", 2)
    a:add_all({ 22 }, "other", 3)
    for _, v in ipairs({ { 11, "site", 1 }, { 22, "site", 1 }, { 22, "site", 1 }, { 33, "site", 1 },
                         { 22, "site", 2 }, { 44, "site", 2 }, { 22, "other", 3 } }) do
      b:add(v[1], v[2], v[3])
    end
    for _, q in ipairs({ { 11, "site" }, { 22, "site" }, { 33, "site" }, { 44, "site" }, { 22, "other" } }) do
      assert.are.equal(b:count(q[1], q[2]), a:count(q[1], q[2]))
    end
    assert.are.equal(2, a:count(22, "site"))
    assert.are.equal(b:size(), a:size())
  end)
end)
