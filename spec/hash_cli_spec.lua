-- spec/hash_cli_spec.lua: the `stet hash` and `stet merge` commands.
local stet = require "stet"
local helpers = require "support.helpers"

local function tempdir()
  local d = os.tmpname()
  os.remove(d)
  assert(os.execute("mkdir -p " .. helpers.quote(d)))
  return d
end

local function write(path, s)
  os.execute("mkdir -p " .. helpers.quote(path:match("^(.*)/")))
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

local footer = "Subscribe to our newsletter for more stories like this."

-- A corpus of two sites with a repeated footer, split into two shards.
local function corpus()
  local dir = tempdir()
  for i = 1, 6 do
    local site = i % 2 == 0 and "axios" or "reuters"
    local shard = i <= 3 and "shard1" or "shard2"
    write(("%s/%s/%s/%d.txt"):format(dir, shard, site, i),
      ("Story number %s begins here.\n\nIt goes on %s.\n\n%s\n\n%s\n"):format(
        string.char(96 + i), ("and on "):rep(i), footer, footer))
  end
  write(dir .. "/shard2/feed.jsonl",
    '{"text": "From the feed.\\n\\n' .. footer .. '", "site": "axios"}\n' ..
    '{"text": broken\n' ..
    '{"site": "axios"}\n' ..
    '\n' ..
    '{"text": "Another one.\\n\\n' .. footer .. '"}\n')
  return dir
end

local function entries(path)
  local t = assert(stet.load_counter(path))
  return t:top(1000), t
end

describe("stet hash", function()
  it("counts paragraphs per site and document into a table file", function()
    local dir = corpus()
    local out = dir .. "/whole.tbl"
    local _, err, code = helpers.run({ "hash", "-o", out, dir .. "/shard1", dir .. "/shard2" })
    assert.are.equal(0, code)
    assert.matches("stet hash: 8 documents, 28 paragraphs, 17 distinct entries, 2 bad lines", err)
    assert.matches("feed.jsonl:2: invalid JSON", err)
    assert.matches("feed.jsonl:3: no string field 'text'", err)
    local top, t = entries(out)
    local fp = stet.fingerprint(footer)
    assert.are.equal(4, t:count(fp, "axios")) -- 3 files + 1 feed record with site
    assert.are.equal(3, t:count(fp, "reuters"))
    assert.are.equal(1, t:count(fp, "shard2")) -- feed record without site: folder name
    assert.are.same({ fp = fp, site = "axios", count = 4, sample = footer:sub(1, 80) }, top[1])
  end)

  it("skips binary files, as stet clean rejects them: a table left in the corpus is not read", function()
    local dir = corpus()
    local want = dir .. "/want.tbl"
    local _, err, code = helpers.run({ "hash", "-o", want, dir .. "/shard1" })
    assert.are.equal(0, code, err)
    -- the next run's table goes into the corpus folder and is skipped by the one after
    local _, err2, code2 = helpers.run({ "hash", "-o", dir .. "/shard1/h.tbl", dir .. "/shard1" })
    assert.are.equal(0, code2, err2)
    local _, err3, code3 = helpers.run({ "hash", "-o", dir .. "/again.tbl", dir .. "/shard1" })
    assert.are.equal(0, code3, err3)
    assert.matches("shard1/h%.tbl: binary file, not text %(skipped%)", err3)
    assert.matches("3 documents, .* 1 binary file skipped", err3)
    assert.are.same((entries(want)), (entries(dir .. "/again.tbl")))
  end)

  it("refuses to write its table over an input file", function()
    local dir = corpus()
    local input = dir .. "/shard1/reuters/1.txt"
    local before = helpers.slurp(input)
    for _, cmd in ipairs({ { "hash", "-o", input, dir .. "/shard1" }, { "hash", "-o", input, input },
                           { "signatures", "--shard", "0", "-o", input, input },
                           { "signatures", "--shard", "0", "-o", input, dir .. "/shard1" } }) do
      local _, err, code = helpers.run(cmd)
      assert.are.equal(1, code, err)
      assert.matches("it would be lost before it is read", err)
      assert.are.equal(before, helpers.slurp(input))
    end
    -- a new file inside an input folder is fine: a later run skips it as binary
    local _, err, code = helpers.run({ "hash", "-o", dir .. "/shard1/new.tbl", dir .. "/shard1" })
    assert.are.equal(0, code, err)
  end)

  it("uses --site for every document", function()
    local dir = corpus()
    local out = dir .. "/site.tbl"
    local _, _, code = helpers.run({ "hash", "-q", "--site", "all", "-o", out, dir .. "/shard1" })
    assert.are.equal(0, code)
    local _, t = entries(out)
    assert.are.same({ "all" }, t:sites())
    assert.are.equal(3, t:count(stet.fingerprint(footer), "all"))
  end)

  it("reads gzip-compressed text and JSON Lines files like plain ones", function()
    local dir = corpus()
    local _, _, code = helpers.run({ "hash", "-q", "-o", dir .. "/plain.tbl", dir .. "/shard2" })
    assert.are.equal(0, code)
    assert(os.execute("gzip " .. helpers.quote(dir .. "/shard2/feed.jsonl") .. " " ..
      helpers.quote(dir .. "/shard2/axios/4.txt")))
    _, _, code = helpers.run({ "hash", "-q", "-o", dir .. "/gz.tbl", dir .. "/shard2" })
    assert.are.equal(0, code)
    assert.are.same(entries(dir .. "/plain.tbl"), entries(dir .. "/gz.tbl"))
  end)

  it("reads JSON Lines whose lines cross the read blocks", function()
    local dir = corpus()
    local hash = require "stet.cmd.hash"
    local function run(block, out)
      local saved = hash.block_size
      hash.block_size = block
      local ok, code = pcall(hash.run, { output = out, quiet = true, samples = true },
        { dir .. "/shard2/feed.jsonl" })
      hash.block_size = saved
      assert(ok, code)
      return entries(out)
    end
    local whole = run(1 << 20, dir .. "/a.tbl")
    assert.are.equal(4, #whole)
    for _, block in ipairs({ 1, 2, 7, 33, 64 }) do
      assert.are.same(whole, run(block, dir .. "/b" .. block .. ".tbl"))
    end
  end)

  it("reads JSON Lines on standard input (plain or compressed) as it reads the file", function()
    local dir = corpus()
    local feed = dir .. "/shard2/feed.jsonl"
    local _, err0, code0 = helpers.run({ "hash", "--site", "s", "-o", dir .. "/file.tbl", feed })
    assert.are.equal(0, code0, err0)
    local _, err, code = helpers.run({ "hash", "--site", "s", "-o", dir .. "/stdin.tbl", "-" },
      helpers.slurp(feed))
    assert.are.equal(0, code, err)
    assert.matches("stdin:2: invalid JSON", err)
    assert.matches("stdin:3: no string field 'text'", err)
    assert.matches("2 documents, 4 paragraphs, 3 distinct entries, 2 bad lines", err)
    assert.are.equal(helpers.slurp(dir .. "/file.tbl"), helpers.slurp(dir .. "/stdin.tbl"))
    -- through a real pipe, gzip-compressed
    local q = helpers.quote
    assert(os.execute(("gzip -c %s | %s hash -q --site s -o %s - 2>/dev/null"):format(
      q(feed), q(helpers.bin), q(dir .. "/gz.tbl"))))
    assert.are.equal(helpers.slurp(dir .. "/file.tbl"), helpers.slurp(dir .. "/gz.tbl"))
    -- without --site, a record without `site` has the site stet clean gives it: ""
    _, err, code = helpers.run({ "hash", "-q", "-o", dir .. "/nosite.tbl", "-" }, helpers.slurp(feed))
    assert.are.equal(0, code, err)
    local _, t = entries(dir .. "/nosite.tbl")
    assert.are.same({ "axios", "" }, t:sites())
    assert.are.equal(1, t:count(stet.fingerprint(footer), ""))
  end)

  it("reads one text document on standard input when its first line is no JSON object", function()
    local dir = corpus()
    local text = "\n\n" .. helpers.slurp(dir .. "/shard1/reuters/1.txt")
    local _, err, code = helpers.run({ "hash", "-o", dir .. "/t.tbl", "-" }, text)
    assert.are.equal(0, code, err)
    assert.matches("1 document, 4 paragraphs, 3 distinct entries", err)
    local _, t = entries(dir .. "/t.tbl")
    assert.are.same({ "" }, t:sites())
    assert.are.equal(1, t:count(stet.fingerprint(footer), "")) -- twice in one document
    assert.are.equal(1, t:count(stet.fingerprint("Story number a begins here."), ""))
    -- a first line that opens a brace but is no JSON object: text too
    _, err, code = helpers.run({ "hash", "-o", dir .. "/b.tbl", "-" }, "{not json}\n\nSecond.\n")
    assert.are.equal(0, code, err)
    assert.matches("1 document, 2 paragraphs", err)
    assert.not_matches("bad lines", err)
  end)

  it("reads a pipe given by name, whatever the read blocks", function()
    local dir = corpus()
    local feed = dir .. "/shard2/feed.jsonl"
    local hash = require "stet.cmd.hash"
    local want = dir .. "/want.tbl"
    local _, err0, code0 = helpers.run({ "hash", "-q", "-o", want, feed })
    assert.are.equal(0, code0, err0)
    -- the pipe is in a folder named shard2 too, so records without `site` match
    local fifo = dir .. "/pipes/shard2/feed"
    assert(os.execute("mkdir -p " .. helpers.quote(dir .. "/pipes/shard2") .. " && mkfifo " ..
      helpers.quote(fifo)))
    for _, block in ipairs({ 1, 7, 64, 1 << 20 }) do
      -- the writer runs in the background until the table's reader has read it all
      assert(os.execute(("cat %s > %s &"):format(helpers.quote(feed), helpers.quote(fifo))))
      local saved = hash.block_size
      hash.block_size = block
      local ok, code = pcall(hash.run, { output = dir .. "/p.tbl", quiet = true, samples = true },
        { fifo })
      hash.block_size = saved
      assert(ok, code)
      assert.are.equal(0, code)
      assert.are.equal(helpers.slurp(want), helpers.slurp(dir .. "/p.tbl"))
    end
  end)

  it("shows progress on stderr with --progress, erased at the end, and writes the same table", function()
    local dir = corpus()
    -- a JSON Lines file of a few MB, so that its progress comes from inside the C loop
    local lines = {}
    for i = 1, 6000 do
      lines[i] = ('{"text": "Story %d begins here, and it goes on for a while.\\n\\n%s\\n\\n%s", "site": "s"}')
        :format(i, ("Filler words to make the line long. "):rep(30), footer)
    end
    write(dir .. "/big/feed.jsonl", table.concat(lines, "\n") .. "\n")
    local paths = { dir .. "/shard1", dir .. "/big" }
    local _, err, code = helpers.run({ "hash", "--progress", "-o", dir .. "/p.tbl", paths[1], paths[2] })
    assert.are.equal(0, code, err)
    local _, err2, code2 = helpers.run({ "hash", "-q", "-o", dir .. "/q.tbl", paths[1], paths[2] })
    assert.are.equal(0, code2, err2)
    assert.are.equal(helpers.slurp(dir .. "/q.tbl"), helpers.slurp(dir .. "/p.tbl"))
    assert.are.equal("", err2) -- no progress without --progress when stderr is no terminal
    -- lines drawn over each other, the last at 100%, then erased before the summary
    local draws = {}
    for line in err:gmatch("\r\27%[K(hash: [^\r\n]*)") do draws[#draws + 1] = line end
    assert.is_true(#draws >= 2, err) -- the first, then at most four a second, then the last
    assert.matches("^hash: %d+ documents, [%d.]+ MB, [%d.]+ MB/s, %d+ docs/s, %d+%%, %d+:%d%d left$", draws[1])
    assert.matches("^hash: 6003 documents, .* 100%%, 0:00 left$", draws[#draws])
    assert.matches("100%%, 0:00 left\r\27%[Kstet hash: 6003 documents", err)
    -- inside the JSON Lines file, the C loop calls back every few MB with
    -- documents, text bytes and file bytes so far
    local t, calls = stet.counter(), {}
    local docs = t:add_jsonl(dir .. "/big/feed.jsonl", 1, nil, "big", true, nil, function() end, nil,
      function(d, bytes, read) calls[#calls + 1] = { d, bytes, read } end)
    assert.are.equal(6000, docs)
    assert.is_true(#calls >= 1)
    for i, c in ipairs(calls) do
      assert.is_true(c[1] > 0 and c[1] < 6000 and c[2] >= 4 * 1024 * 1024 * i and c[3] > c[2])
      if i > 1 then assert.is_true(c[1] > calls[i - 1][1]) end
    end
    -- an error there stops the call, as the fallback's does, also for lines
    -- the fallback decodes (a site that is no string makes a line unusual)
    write(dir .. "/big/odd.jsonl", (table.concat(lines, "\n") .. "\n"):gsub('"site": "s"', '"site": 5'))
    local function fallback(line)
      local r = stet.json_fields(line, { "text" })
      return r.text, "big"
    end
    for _, file in ipairs({ "feed.jsonl", "odd.jsonl" }) do
      local n = 0
      assert.are.equal(6000, stet.counter():add_jsonl(dir .. "/big/" .. file, 1, nil, "big", true, nil, fallback,
        nil, function() n = n + 1 end))
      assert.is_true(n >= 1)
      assert.has_error(function()
        stet.counter():add_jsonl(dir .. "/big/" .. file, 1, nil, "big", true, nil, fallback, nil,
          function() error("stop here", 0) end)
      end, "stop here")
    end
  end)

  it("reports a mapped JSON Lines file that shrinks while it is read, and goes on", function()
    -- another program truncates the file under the scan (here: the
    -- progress function, called after the first 4 MB of text): the pages
    -- past its new end fault, and add_jsonl says so, with the lines before
    -- added, instead of the process dying of SIGBUS
    local dir = tempdir()
    local lines = {}
    for i = 1, 3000 do
      lines[i] = ('{"text": "%s"}'):format(("Some words of a paragraph here. "):rep(60))
    end
    local body = table.concat(lines, "\n") .. "\n"
    write(dir .. "/shrinks.jsonl", body)
    write(dir .. "/intact.jsonl", body)
    local t, calls = stet.counter(), 0
    local docs, _, _, err = t:add_jsonl(dir .. "/shrinks.jsonl", 1, nil, "s", true, nil, function() end, nil,
      function()
        calls = calls + 1
        if calls == 1 then assert(io.open(dir .. "/shrinks.jsonl", "w")):close() end
      end)
    assert.is_string(err)
    local line = tonumber(err:match("^.-/shrinks%.jsonl: the file shrank while it was read %(line (%d+):"))
    assert.is_number(line, err)
    assert.is_true(line > 1 and line <= 3000)
    assert.are.equal(line - 1, docs)
    -- (every line has the same paragraph)
    local fp = stet.fingerprint(lines[1]:match('"text": "(.*)"'))
    assert.are.equal(line - 1, t:count(fp, "s"))
    -- the table and the guard are fine afterwards: an intact file is added whole
    assert.are.equal(3000, (t:add_jsonl(dir .. "/intact.jsonl", docs + 1, nil, "s", true, nil, function() end)))
    assert.are.equal(line - 1 + 3000, t:count(fp, "s"))
  end)

  it("reports a missing path and exits with 2", function()
    local dir = tempdir()
    local _, err, code = helpers.run({ "hash", "-o", dir .. "/x.tbl", dir .. "/missing" })
    assert.are.equal(2, code)
    assert.matches("missing: No such file or directory", err)
  end)

  it("wants a PATH", function()
    local _, err, code = helpers.run({ "hash" })
    assert.are.equal(1, code)
    assert.matches("missing PATH", err)
  end)
end)

describe("stet merge", function()
  it("merges shard tables into the table of the whole corpus", function()
    local dir = corpus()
    helpers.run({ "hash", "-q", "-o", dir .. "/whole.tbl", dir .. "/shard1", dir .. "/shard2" })
    helpers.run({ "hash", "-q", "-o", dir .. "/s1.tbl", dir .. "/shard1" })
    helpers.run({ "hash", "-q", "-o", dir .. "/s2.tbl", dir .. "/shard2" })
    local _, err, code = helpers.run({ "merge", "-o", dir .. "/merged.tbl", dir .. "/s1.tbl", dir .. "/s2.tbl" })
    assert.are.equal(0, code)
    assert.matches("stet merge: 2 tables, 17 entries", err)
    assert.are.same(entries(dir .. "/whole.tbl"), entries(dir .. "/merged.tbl"))
  end)

  it("refuses a file that is not a table and writes nothing", function()
    local dir = corpus()
    helpers.run({ "hash", "-q", "-o", dir .. "/s1.tbl", dir .. "/shard1" })
    local _, err, code = helpers.run({ "merge", "-o", dir .. "/m.tbl", dir .. "/s1.tbl", dir .. "/shard2/feed.jsonl" })
    assert.are.equal(2, code)
    assert.matches("feed.jsonl: not a stet counting table", err)
    assert.is_nil(io.open(dir .. "/m.tbl"))
  end)

  it("reads tables and signature files from pipes and standard input", function()
    local dir = corpus()
    local q = helpers.quote
    helpers.run({ "hash", "-q", "-o", dir .. "/s1.tbl", dir .. "/shard1" })
    helpers.run({ "hash", "-q", "-o", dir .. "/s2.tbl", dir .. "/shard2" })
    helpers.run({ "merge", "-q", "-o", dir .. "/want.tbl", dir .. "/s1.tbl", dir .. "/s2.tbl" })
    -- the first input, whose first bytes say table or signatures, on standard input
    local _, err, code = helpers.run({ "merge", "-o", dir .. "/m.tbl", "-", dir .. "/s2.tbl" },
      helpers.slurp(dir .. "/s1.tbl"))
    assert.are.equal(0, code, err)
    assert.are.equal(helpers.slurp(dir .. "/want.tbl"), helpers.slurp(dir .. "/m.tbl"))
    -- the copy goes to $TMPDIR, and is removed after
    assert(os.execute("mkdir " .. q(dir .. "/tmp")))
    _, err, code = helpers.run({ "merge", "-o", dir .. "/t.tbl", "-", dir .. "/s2.tbl" },
      helpers.slurp(dir .. "/s1.tbl"), { TMPDIR = dir .. "/tmp" })
    assert.are.equal(0, code, err)
    assert.are.equal(helpers.slurp(dir .. "/want.tbl"), helpers.slurp(dir .. "/t.tbl"))
    assert.are.same({}, stet.listdir(dir .. "/tmp"))
    _, err, code = helpers.run({ "merge", "-o", dir .. "/t.tbl", "-" }, helpers.slurp(dir .. "/s1.tbl"),
      { TMPDIR = dir .. "/missing" })
    assert.are.equal(2, code)
    assert.are.equal("stet merge: a temporary file for -: " .. dir .. "/missing: No such file or directory\n", err)
    -- a named pipe as the first input
    local fifo = dir .. "/pipe"
    assert(os.execute("mkfifo " .. q(fifo) .. " && (cat " .. q(dir .. "/s1.tbl") .. " > " .. q(fifo) .. " &)"))
    _, err, code = helpers.run({ "merge", "-o", dir .. "/p.tbl", fifo, dir .. "/s2.tbl" })
    assert.are.equal(0, code, err)
    assert.are.equal(helpers.slurp(dir .. "/want.tbl"), helpers.slurp(dir .. "/p.tbl"))
    -- signature files
    for i, shard in ipairs({ "shard1", "shard2" }) do
      _, err, code = helpers.run({ "signatures", "-q", "--shard", tostring(i), "-o", dir .. "/" .. i .. ".sig",
        dir .. "/" .. shard })
      assert.are.equal(0, code, err)
    end
    helpers.run({ "merge", "-q", "-o", dir .. "/want.sig", dir .. "/1.sig", dir .. "/2.sig" })
    _, err, code = helpers.run({ "merge", "-o", dir .. "/m.sig", "-", dir .. "/2.sig" }, helpers.slurp(dir .. "/1.sig"))
    assert.are.equal(0, code, err)
    assert.are.equal(helpers.slurp(dir .. "/want.sig"), helpers.slurp(dir .. "/m.sig"))
    -- what is no table is named as given
    _, err, code = helpers.run({ "merge", "-o", dir .. "/x.tbl", dir .. "/s1.tbl", "-" }, "junk\n")
    assert.are.equal(2, code)
    assert.are.equal("stet merge: -: not a stet counting table (bad magic)\n", err)
    _, err, code = helpers.run({ "merge", "-o", dir .. "/x.sig", dir .. "/1.sig", "-" }, "junk\n")
    assert.are.equal(2, code)
    assert.are.equal("stet merge: -: not a stet signature file\n", err)
    assert.is_nil(io.open(dir .. "/x.tbl"))
  end)

  it("wants -o", function()
    local _, err, code = helpers.run({ "merge", "a.tbl" })
    assert.are.equal(1, code)
    assert.matches("missing %-o FILE", err)
  end)
end)
