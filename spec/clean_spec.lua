-- spec/clean_spec.lua: `stet clean` end to end on a small corpus made here:
-- accounting, order, rejects, rule errors and budgets, boilerplate with
-- duplicate clusters counted once, duplicates, formats, stdin.
local h = require "spec.support.helpers"

local BODY = {
  "The city council voted 7-2 on Tuesday to expand the bus network to the northern suburbs, " ..
    "ending a debate that had dragged on for most of the year.",
  "Supporters said the new routes would cut commutes for thousands of workers, while critics " ..
    "warned that the plan leaves the transit agency with a growing deficit.",
  "The first of the new lines is expected to open in March, officials said.",
}
local FOOTER = "Follow the Daily Bugle on Mastodon for more local updates."

local function article(paras, extra)
  return table.concat(paras, "\n\n") .. (extra or "")
end

local RULE = [[
return {
  name = "news",
  domains = { "news.example" },
  head = { "date", "title" },
  drop = { promo = "^Promo: " },
  cut = { "^Go deeper$" },
  paragraph = function(p)
    if p.text:find("EXPLODE", 1, true) then error("cannot handle this paragraph") end
    if p.text:find("LOOPFOREVER", 1, true) then while true do end end
    if p.text:find("EATMEMORY", 1, true) then
      local t = {}
      for i = 1, 1e9 do t[i] = ("x"):rep(1000) .. i end
    end
    if p.text:find("^Editor's note") then return false, "note" end
  end,
}
]]

local function corpus()
  local teasers = "\n\nGo deeper\n\nUpdated 2 hours ago - Politics\nAn unrelated headline\n\nSomething else entirely."
  return h.tree({
    ["rules/news.lua"] = RULE,
    ["in/news/a1.txt"] = article({ "Jun 7, 2017", "Council expands bus network", "Jane Roe / AP",
      BODY[1], BODY[2], BODY[3], FOOTER, "Promo: Get 50% off today" }),
    ["in/news/a2.txt"] = article({ "Jane Roe / AP", BODY[1], BODY[2], BODY[3], FOOTER }, teasers),
    ["in/news/a3.txt"] = article({ "Jun 9, 2017", "Library hours extended",
      "The central library will stay open until 9 p.m. on weekdays starting next month.",
      "Editor's note: this story was updated.", FOOTER }),
    ["in/news/a4.txt"] = article({ "Jun 10, 2017", "Storm closes schools",
      "Schools across the county closed on Friday as a storm brought heavy snow.",
      "Another paragraph that mentions EXPLODE inside the story." }),
    ["in/news/a5.txt"] = article({ "Jun 11, 2017", "Bridge repairs begin",
      "Crews began repairs on the old bridge on Monday.", "Sign up for our newsletter." }),
    ["in/news/a6.txt"] = article({ "Jun 12, 2017", "Park reopens",
      "The riverside park reopened after a year of work.", "Sign up for our newsletter." }),
    ["in/feed.jsonl"] = table.concat({
      '{"id": "w1", "url": "https://www.news.example/w1", "title": "Wire one", "text": "First wire story text.", "section": "wire"}',
      '{"id": "w2", "text": broken json',
      '{"id": "w3", "text": "Third wire story text.", "date": "2017-06-08"}',
    }, "\n") .. "\n",
  })
end

local function clean(dir, extra, stdin)
  local argv = { "clean", "-r", dir .. "/rules", "--stats", dir .. "/stats.json", "--rejects", dir .. "/rejects.jsonl" }
  for _, a in ipairs(extra or {}) do argv[#argv + 1] = a end
  if not stdin then argv[#argv + 1] = dir .. "/in" end
  local out, err, code = h.run(argv, stdin)
  local stats = h.slurp(dir .. "/stats.json")
  return out, err, code, stats and require("cjson").decode(stats)
end

local function by_id(records)
  local t = {}
  for _, r in ipairs(records) do t[r.id] = r end
  return t
end

describe("stet clean", function()
  local dir
  before_each(function() dir = corpus() end)
  after_each(function() h.rmtree(dir) end)

  it("writes clean records in input order and accounts for every document", function()
    local out, err, code, stats = clean(dir, { "--near", "0" })
    assert.are.equal(0, code, err)
    local recs = h.jsonl(out)
    local ids = {}
    for _, r in ipairs(recs) do ids[#ids + 1] = r.id end
    assert.are.same({ "w1", "w3", "news/a1", "news/a3", "news/a5", "news/a6" }, ids)
    local d = stats.documents
    assert.are.same({ read = 9, kept = 6, duplicate = 1, dropped = 0, rejected = 2 }, d)
    assert.are.equal(d.read, d.kept + d.duplicate + d.dropped + d.rejected)
    local p = stats.paragraphs
    local dropped = 0
    for _, n in pairs(p.dropped) do dropped = dropped + n end
    assert.are.equal(p.read, p.kept + dropped)
    assert.matches("^stet clean: 9 read, 6 kept, 1 duplicate, 0 dropped, 2 rejected;", err)
  end)

  it("takes the head, drops by label and cuts at the marker", function()
    local out = clean(dir, { "--near", "0" })
    local a1 = by_id(h.jsonl(out))["news/a1"]
    assert.are.equal("Council expands bus network", a1.title)
    assert.are.equal("2017-06-07", a1.date)
    assert.are.equal("news", a1.site)
    assert.are.equal(table.concat(BODY, "\n\n") .. "\n\n" .. FOOTER, a1.text)
  end)

  it("does not let a duplicate cluster make its own paragraphs boilerplate", function()
    -- FOOTER is in a1, a2 (a duplicate of a1) and a3: two clusters, below 3
    local out, _, _, stats = clean(dir, { "--near", "0" })
    local a3 = by_id(h.jsonl(out))["news/a3"]
    assert.matches(FOOTER, a3.text, 1, true)
    assert.is_nil(stats.paragraphs.dropped.boilerplate)
    -- with a threshold of 2 it is boilerplate in every document
    local out2, _, _, stats2 = clean(dir, { "--near", "0", "--boilerplate", "2" })
    assert.is_nil(by_id(h.jsonl(out2))["news/a3"].text:find(FOOTER, 1, true))
    -- a1, a3, and a2 (a duplicate: its paragraphs keep the first reason)
    assert.are.equal(3, stats2.paragraphs.dropped.boilerplate)
  end)

  it("rejects exactly the malformed JSONL line and the document whose rule fails", function()
    local _, _, _, stats = clean(dir, { "--near", "0" })
    assert.are.equal(2, stats.documents.rejected)
    local rejects = h.jsonl(h.slurp(dir .. "/rejects.jsonl"))
    assert.are.equal(2, #rejects)
    assert.are.equal("feed:2", rejects[1].id)
    assert.are.equal(2, rejects[1].line)
    assert.matches("^invalid JSON", rejects[1].reason)
    assert.are.equal('{"id": "w2", "text": broken json', rejects[1].raw)
    assert.are.equal("news/a4", rejects[2].id)
    assert.matches("^rule error: .*rules/news.lua:8: cannot handle this paragraph", rejects[2].reason)
    assert.matches("(document news/a4)", rejects[2].reason, 1, true)
    assert.matches("EXPLODE", rejects[2].raw, 1, true)
  end)

  it("stops at the first reject with --strict, exit 2", function()
    local _, err, code = clean(dir, { "--strict", "--near", "0" })
    assert.are.equal(2, code)
    assert.matches("feed.jsonl:2: invalid JSON", err, 1, true)
  end)

  it("keeps duplicates with --keep-dups, pointing at the survivor with the most metadata", function()
    local out, _, _, stats = clean(dir, { "--near", "0", "--keep-dups" })
    local recs = by_id(h.jsonl(out))
    assert.are.equal("news/a1", recs["news/a2"].dup_of)
    assert.are.equal(require("cjson").null, recs["news/a1"].dup_of)
    assert.are.equal(1, stats.documents.duplicate)
    assert.are.equal(7, #h.jsonl(out))
  end)

  it("gives byte-identical output on every run", function()
    local a = clean(dir, { "--near", "0" })
    local b = clean(dir, { "--near", "0" })
    assert.are.equal(a, b)
  end)

  it("writes to standard output with -o -, and to the file with -o FILE", function()
    local a = clean(dir, { "--near", "0" })
    assert.is_true(#a > 100)
    assert.are.equal(a, (clean(dir, { "--near", "0", "-o", "-" })))
    local path = dir .. "/out.jsonl"
    assert.are.equal("", (clean(dir, { "--near", "0", "-o", path })))
    assert.are.equal(a, h.slurp(path))
    assert.is_nil(h.slurp("-"))
  end)

  it("keeps JSONL fields in meta and finds the site by URL", function()
    local recs = by_id(h.jsonl((clean(dir, { "--near", "0" }))))
    assert.are.equal("news", recs.w1.site)
    assert.are.same({ section = "wire" }, recs.w1.meta)
    assert.are.equal("Wire one", recs.w1.title)
    assert.are.equal("2017-06-08", recs.w3.date)
  end)

  it("labels rule and generic drops in the stats", function()
    local _, _, _, stats = clean(dir, { "--near", "0" })
    local d = stats.paragraphs.dropped
    assert.are.equal(1, d.promo)
    assert.are.equal(1, d.note)
    assert.are.equal(2, d.newsletter)
    assert.are.equal(2, d.credit) -- a1's and a2's: a duplicate's paragraphs keep their first reason
    assert.are.equal(3, d.cut)
    assert.are.equal(4, d.date)
    assert.are.equal(4, d.title)
  end)

  it("writes text, markdown, csv and a user format", function()
    local text = clean(dir, { "--near", "0", "-f", "text" })
    assert.matches("^First wire story text%.\n\f\nThird wire story text%.\n\f\n", text)
    local md = clean(dir, { "--near", "0", "-f", "markdown" })
    assert.matches("# Council expands bus network\n\n*2017-06-07 · news*\n\n", md, 1, true)
    local csv = clean(dir, { "--near", "0", "-f", "csv" })
    assert.matches("^id,site,source,title,date,authors,dup_of,text\r\n", csv)
    assert.matches('\r\nnews/a1,news,[^,]*,Council expands bus network,2017%-06%-07,,,"The city', csv)
    local fmt = h.tempfile([[return { extension = "x", header = function() return "BEGIN\n" end,
      write = function(r) return r.id .. "\n" end, footer = function() return "END\n" end }]], ".lua")
    local custom = clean(dir, { "--near", "0", "-f", fmt })
    os.remove(fmt)
    assert.are.equal("BEGIN\nw1\nw3\nnews/a1\nnews/a3\nnews/a5\nnews/a6\nEND\n", custom)
  end)

  it("stops with exit 2 naming a user format and the record when the format fails, with any -j and on stdin", function()
    local cases = {
      { "write = function(r) error('boom') end", ": F:1: boom %(record w1%)$" },
      { "write = function(r) return 5 end", ": write returned a number, not a string %(record w1%)$" },
      { "header = function() error('no header') end, write = function(r) return '' end", ": F:1: no header$" },
      { "write = function(r) return '' end, footer = function() return {} end",
        ": footer returned a table, not a string$" },
    }
    for _, case in ipairs(cases) do
      local fmt = h.tempfile("return { " .. case[1] .. " }", ".lua")
      for _, extra in ipairs({ { "-j", "1" }, { "-j", "2" }, { "-" } }) do
        local argv = { "--near", "0", "-f", fmt }
        for _, a in ipairs(extra) do argv[#argv + 1] = a end
        local stdin = extra[1] == "-" and '{"id": "w1", "text": "One story."}\n' or nil
        local out, err, code = clean(dir, argv, stdin)
        assert.are.equal(2, code, err)
        local f = fmt:gsub("%p", "%%%0")
        assert.matches("^stet clean: format " .. f .. case[2]:gsub("F", (f:gsub("%%", "%%%%"))), err:gsub("\n$", ""))
        if not case[1]:find("footer") then assert.are.equal("", out) end
        assert.is_nil(h.slurp(dir .. "/stats.json")) -- a failed run leaves no stats, the footer's too
      end
      os.remove(fmt)
    end
    -- nil from write writes nothing, from header and footer nothing either
    local fmt = h.tempfile("return { header = function() end, write = function(r) if r.id == 'w1' then " ..
      "return 'one\\n' end end, footer = function() end }", ".lua")
    local out, err, code = clean(dir, { "--near", "0", "-f", fmt })
    os.remove(fmt)
    assert.are.equal(0, code, err)
    assert.are.equal("one\n", out)
  end)

  it("finds near duplicates with different junk around them", function()
    local edited = {
      BODY[1]:gsub("Tuesday", "Wednesday"),
      BODY[2],
      BODY[3],
    }
    local f = assert(io.open(dir .. "/in/news/a7.txt", "wb"))
    f:write(article({ "Jane Roe / AP", edited[1], edited[2], edited[3], FOOTER, "Promo: Something else" },
      "\n\nGo deeper\n\nUpdated 1 hour ago - Tech\nA teaser"))
    f:close()
    local out, _, _, stats = clean(dir, { "--keep-dups" })
    local recs = by_id(h.jsonl(out))
    assert.are.equal("news/a1", recs["news/a2"].dup_of)
    assert.are.equal("news/a1", recs["news/a7"].dup_of)
    assert.are.equal(require("cjson").null, recs["news/a3"].dup_of)
    assert.are.equal(2, stats.documents.duplicate)
    -- without near-duplicate detection only the exact copy is found
    local out2 = clean(dir, { "--keep-dups", "--near", "0" })
    assert.are.equal(require("cjson").null, by_id(h.jsonl(out2))["news/a7"].dup_of)
  end)

  it("cleans standard input in one pass", function()
    local lines = {
      '{"id": "s1", "site": "news", "text": "Jun 1, 2017\\n\\nHeadline one\\n\\nBody one is here."}',
      '{"id": "s2", "site": "news", "text": "Body one is here."}',
      'not json',
    }
    local out, err, code, stats = clean(dir, { "--near", "0", "-" }, table.concat(lines, "\n") .. "\n")
    assert.are.equal(0, code, err)
    local recs = h.jsonl(out)
    assert.are.equal(1, #recs)
    assert.are.equal("Headline one", recs[1].title)
    assert.are.same({ read = 3, kept = 1, duplicate = 1, dropped = 0, rejected = 1 }, stats.documents)
  end)
end)

describe("files the workers read", function()
  it("count the bytes of the text they hold, compressed or not, and reject binary files, with any -j", function()
    local dir = h.tree({
      ["rules/none.lua"] = "return { name = 'none' }",
      ["in/site/a.txt"] = "Hello world paragraph.\n\nAnother one.",
      ["in/site/b.txt"] = "bin\0ary",
      ["in/site/e.txt"] = "",
    })
    -- gzip data under a .txt name: found by its magic bytes, not its name
    assert(os.execute("printf 'Zipped without a suffix.\\n\\nYes.' | gzip > " .. h.quote(dir .. "/in/site/d.txt")))
    local outs = {}
    for _, jobs in ipairs({ "1", "2" }) do
      local out, err, code, stats = clean(dir, { "-j", jobs })
      assert.are.equal(0, code, err)
      assert.are.equal(36 + 30, stats.bytes.read) -- a.txt and d.txt's text
      assert.are.same({ read = 4, kept = 2, duplicate = 0, dropped = 1, rejected = 1 }, stats.documents)
      assert.are.same({ ["binary file"] = 1 }, stats.rejected_by)
      outs[#outs + 1] = out
    end
    assert.are.equal(outs[1], outs[2])
    assert.matches('"text": "Zipped without a suffix.\\n\\nYes."', outs[1], 1, true)
    h.rmtree(dir)
  end)
end)

describe("hooks that change paragraphs in place", function()
  it("keeps what a paragraph hook wrote into p and what a document hook did to doc.paragraphs", function()
    local dir = h.tree({
      ["rules/news.lua"] = [[
return {
  name = "news",
  paragraph = function(p)
    if p.text:find("^MUT") then p.text = "mutated" end
    if p.text:find("^DROPME") then p.drop = "mine" end
  end,
  document = function(doc)
    for _, p in ipairs(doc.paragraphs) do
      if p.text == "Last." then p.drop = "lastword" end
    end
    table.insert(doc.paragraphs, { text = "Added by the hook." })
  end,
}]],
      ["in/news/a.txt"] = "First paragraph.\n\nMUT this\n\nDROPME please\n\nLast.\n",
    })
    for _, jobs in ipairs({ "1", "2" }) do
      local out, err, code, stats = clean(dir, { "-j", jobs })
      assert.are.equal(0, code, err)
      local r = h.jsonl(out)[1]
      assert.are.equal("First paragraph.\n\nmutated\n\nAdded by the hook.", r.text)
      assert.are.same({ read = 5, kept = 3, dropped = { lastword = 1, mine = 1 } }, stats.paragraphs)
    end
    h.rmtree(dir)
  end)
end)

describe("rule budgets and sandbox", function()
  it("rejects a document whose hook loops or eats memory, naming the budget", function()
    local dir = h.tree({
      ["rules/news.lua"] = RULE,
      ["in/news/loop.txt"] = "A story.\n\nLOOPFOREVER here.",
      ["in/news/mem.txt"] = "A story.\n\nEATMEMORY here.",
      ["in/news/ok.txt"] = "A fine story.",
    })
    local out, err, code, stats = clean(dir, { "--rule-instructions", "100000", "--rule-memory", "8" })
    assert.are.equal(0, code, err)
    assert.are.equal(1, #h.jsonl(out))
    assert.are.equal(2, stats.documents.rejected)
    local rejects = h.jsonl(h.slurp(dir .. "/rejects.jsonl"))
    assert.matches("instruction budget of 100000 exceeded", rejects[1].reason, 1, true)
    assert.matches("memory budget of 8388608 bytes exceeded", rejects[2].reason, 1, true)
    h.rmtree(dir)
  end)

  it("refuses a rule file that reads an unknown global or has an unknown key", function()
    local dir = h.tree({
      ["bad1/x.lua"] = "return { name = 'x', drop = { a = undefined_thing } }",
      ["bad2/y.lua"] = "return { name = 'y', dorp = {} }",
      ["bad3/z.lua"] = "return { name = 'z', drop = { a = '[unclosed' } }",
      ["in/a.txt"] = "text",
    })
    local _, err, code = h.run({ "clean", "-r", dir .. "/bad1", dir .. "/in" })
    assert.are.equal(1, code)
    assert.matches("x.lua:1: unknown global 'undefined_thing'", err, 1, true)
    local _, err2, code2 = h.run({ "clean", "-r", dir .. "/bad2", dir .. "/in" })
    assert.are.equal(1, code2)
    assert.matches("rule file .*bad2/y.lua: unknown key 'dorp'", err2)
    local _, err3 = h.run({ "clean", "-r", dir .. "/bad3", dir .. "/in" })
    assert.matches("drop.a: bad pattern", err3, 1, true)
    h.rmtree(dir)
  end)
end)

describe("stet clean's own files among its inputs", function()
  local dir, input
  before_each(function()
    dir = h.tree({ ["in/site/a.txt"] = "A first paragraph.\n\nA second one.\n",
                   ["feed.jsonl"] = '{"id":"x","text":"One line of text."}\n' })
    input = dir .. "/feed.jsonl"
  end)
  after_each(function() h.rmtree(dir) end)

  local REFUSED = "is the input .*: it would be lost before it is read"

  it("refuses to write over an input file, by any name, and leaves it alone", function()
    local want = h.slurp(input)
    os.execute("ln -s feed.jsonl " .. h.quote(dir .. "/link.jsonl"))
    for _, opt in ipairs({ { "-o", input }, { "--stats", input }, { "--rejects", input },
                           { "-o", dir .. "/in/../feed.jsonl" }, { "-o", dir .. "/link.jsonl" } }) do
      local _, err, code = h.run({ "clean", "-q", opt[1], opt[2], input })
      assert.are.equal(1, code, err)
      assert.matches(REFUSED, err)
      assert.are.equal(want, h.slurp(input))
    end
  end)

  it("refuses to write inside an input folder, whose walk would read it", function()
    for _, out in ipairs({ dir .. "/in/out.jsonl", dir .. "/in/site/../out.jsonl", dir .. "/in/site/out.txt" }) do
      local _, err, code = h.run({ "clean", "-q", "-o", out, dir .. "/in" })
      assert.are.equal(1, code, err)
      assert.matches("is inside the input folder .*in, whose walk would read it", err)
      assert.is_nil(h.slurp(out))
    end
  end)

  it("writes beside its inputs, and into devices", function()
    local _, err, code = h.run({ "clean", "-q", "-o", dir .. "/out.jsonl", dir .. "/in", input })
    assert.are.equal(0, code, err)
    assert.are.equal(2, select(2, h.slurp(dir .. "/out.jsonl"):gsub("\n", "")))
    _, err, code = h.run({ "clean", "-q", "-o", "/dev/null", "--stats", "/dev/null", dir .. "/in" })
    assert.are.equal(0, code, err)
  end)
end)

describe("stet clean on a pipe named as an input", function()
  it("reads it as standard input is: JSON Lines sniffed, or as --input says", function()
    local dir = h.tree({})
    local lines = {}
    for i = 1, 40 do
      lines[i] = ('{"id":"p%d","text":"Pipe story %s.\\n\\nIts second paragraph, %s."}'):format(i, ("x"):rep(i),
        ("y"):rep(i))
    end
    local body = table.concat(lines, "\n") .. "\n"
    local want = h.run({ "clean", "-q", "-j", "1", "-", }, body)
    for _, case in ipairs({ { "-j", "1" }, { "-j", "2" }, { "-j", "2", "--input", "text" } }) do
      local fifo = dir .. "/feed"
      h.sh("mkfifo " .. h.quote(fifo))
      -- a writer on the other end (it gives up after 20 s if nobody reads)
      h.write(dir .. "/body.jsonl", body)
      h.sh(("(timeout 20 cp %s %s &)"):format(h.quote(dir .. "/body.jsonl"), h.quote(fifo)))
      local args = { "clean", "-q" }
      for _, a in ipairs(case) do args[#args + 1] = a end
      args[#args + 1] = fifo
      local out, err, code = h.run(args)
      assert.are.equal(0, code, err)
      if case[4] == "text" then
        assert.are.equal(1, #h.jsonl(out)) -- the whole pipe, one text document
      else
        local got, exp = h.jsonl(out), h.jsonl(want)
        assert.are.equal(40, #got)
        for i, r in ipairs(got) do
          assert.are.equal(exp[i].id, r.id)
          assert.are.equal(exp[i].text, r.text)
          assert.are.equal(fifo, r.source)
        end
      end
      os.remove(fifo)
    end
    h.rmtree(dir)
  end)
end)

-- A document bigger than the buffers a run keeps from one document to the
-- next (STET_BUF_KEEP, 16 MiB: core/buf.h) has its buffers freed once it is
-- done; the documents after it get new ones. Under ASan this also proves
-- nothing reads the freed buffers.
describe("stet clean on a document bigger than the buffers it keeps", function()
  it("cleans it and the small documents around it as it cleans each alone", function()
    local paras, size = {}, 0
    for i = 1, 1000000 do
      local p = ("The %s report on the %s council, filed late by %s, says the budget for the coming " ..
        "year holds."):format(h.word(3 * i), h.word(3 * i + 1), h.word(3 * i + 2))
      paras[#paras + 1] = p
      size = size + #p + 2
      if size > (17 << 20) then break end
    end
    local big = table.concat(paras, "\n\n")
    local small = {
      "A short story about the harbour opening late this spring.\n\nIt came in two parts.",
      "Another short story, on the library's new reading room.\n\nWith a second paragraph too.",
    }
    local dir = h.tree({ ["in/a/1.txt"] = small[1], ["in/a/2.txt"] = big, ["in/a/3.txt"] = small[2] })
    local lines = {}
    for i, t in ipairs({ small[1], big, small[2] }) do
      lines[i] = ('{"id": "d%d", "text": "%s"}'):format(i, t:gsub("\n", "\\n"))
    end
    h.write(dir .. "/in.jsonl", table.concat(lines, "\n") .. "\n")
    local alone = {}
    for i, t in ipairs({ small[1], big, small[2] }) do
      h.write(dir .. "/alone.txt", t)
      local out, err, code = h.run({ "clean", "-q", "-j", "1", dir .. "/alone.txt" })
      assert.are.equal(0, code, err)
      alone[i] = h.jsonl(out)[1].text
    end
    assert.are.equal(#paras, select(2, alone[2]:gsub("\n\n", "")) + 1)
    for _, input in ipairs({ dir .. "/in", dir .. "/in.jsonl" }) do
      for _, j in ipairs({ "1", "2" }) do
        local out, err, code = h.run({ "clean", "-q", "-j", j, input })
        assert.are.equal(0, code, err)
        local recs = h.jsonl(out)
        assert.are.equal(3, #recs, input .. " -j " .. j)
        for i = 1, 3 do assert.are.equal(alone[i], recs[i].text, input .. " -j " .. j .. " #" .. i) end
      end
    end
    h.rmtree(dir)
  end)
end)
