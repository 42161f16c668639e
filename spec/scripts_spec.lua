-- spec/scripts_spec.lua: stet.docs and the bundled analysis scripts.
local h = require "spec.support.helpers"
local stet = require "stet"

describe("stet.docs", function()
  it("iterates cleaned documents of a corpus in input order", function()
    local ids, n = {}, 0
    for doc in stet.docs({ "examples/corpus" }, { rules = { "examples/sites" } }) do
      n = n + 1
      ids[#ids + 1] = doc.id
      assert.is_string(doc.text)
      assert.is_table(doc.paragraphs)
    end
    assert.are.equal(45, n)
    assert.are.equal("axios/a01-rail-safety-scrape2", ids[1])
    assert.are.equal("wire-0005", ids[45])
  end)

  it("shows rejected inputs only when asked", function()
    local dir = h.tree({ ["a.jsonl"] = '{"text": "ok"}\n{nope\n' })
    local all, kept = 0, 0
    for _ in stet.docs(dir, { rejects = true }) do all = all + 1 end
    for _ in stet.docs(dir) do kept = kept + 1 end
    h.rmtree(dir)
    assert.are.equal(2, all)
    assert.are.equal(1, kept)
  end)
end)

describe("bundled scripts", function()
  it("lists them", function()
    local out, _, code = h.run({ "run", "--list" })
    assert.are.equal(0, code)
    assert.are.equal("evaluate\nsites\ntop-paragraphs\n", out)
  end)

  it("sites summarizes the example corpus per site", function()
    local out, err, code = h.run({ "run", "sites", "-r", "examples/sites", "examples/corpus" })
    assert.are.equal(0, code, err)
    assert.matches("\naxios%s+14%s+72%s+70%s+891%s+cut 36, credit 13, date 10\n", out)
  end)

  it("top-paragraphs finds the repeated footers", function()
    local out, err, code = h.run({ "run", "top-paragraphs", "-n", "3", "examples/corpus/misc" })
    assert.are.equal(0, code, err)
    assert.matches("     3  The Valley Voice is produced by volunteers", out, 1, true)
  end)
end)

describe("bundled scripts' command lines", function()
  it("give --help, refuse unknown options and missing paths, and name what they cannot read", function()
    for _, case in ipairs({
      { "sites", "usage: stet run sites %[%-r RULES%] PATH%.%.%.\n", "PATH" },
      { "top-paragraphs", "usage: stet run top%-paragraphs %[%-n N%] %[%-r RULES%] PATH%.%.%.\n", "PATH" },
      { "evaluate", "usage: stet run evaluate %[%-r RULES%] %[%-%-show N%] FILE%.jsonl\n", "FILE.jsonl" },
    }) do
      local name = case[1]
      local out, err, code = h.run({ "run", name, "--help" })
      assert.are.equal(0, code, err)
      assert.matches("^" .. case[2], out)
      assert.matches("\n  %-h, %-%-help +this help\n$", out)
      _, err, code = h.run({ "run", name, "--bogus" })
      assert.are.equal(1, code)
      assert.are.equal(("stet run %s: unknown option --bogus (see 'stet run %s --help')\n"):format(name, name), err)
      _, err, code = h.run({ "run", name })
      assert.are.equal(1, code)
      assert.are.equal(("stet run %s: missing %s (see 'stet run %s --help')\n"):format(name, case[3], name), err)
      _, err, code = h.run({ "run", name, "no/such/file.jsonl" })
      assert.are.equal(2, code)
      assert.are.equal(("stet run %s: no/such/file.jsonl: No such file or directory\n"):format(name), err)
    end
    -- a document that cannot be read among good ones: named, exit 2, the rest counted
    local dir = h.tree({ ["s/a.jsonl"] = '{"id": "a", "text": "Fine text here."}\n{nope\n' })
    local out, err, code = h.run({ "run", "sites", dir .. "/s" })
    h.rmtree(dir)
    assert.are.equal(2, code)
    assert.matches("\ns +1 +1 +0", out)
    assert.matches("^stet run sites: a:2: rejected: invalid JSON", err)
  end)
end)

describe("evaluate script", function()
  it("measures keep recall and drop rate on annotated pages", function()
    local dir = h.tree({ ["pages.jsonl"] = table.concat({
      '{"id": "p1", "text": "Home | News | Sport\\n\\nThe mayor opened the bridge on Monday.\\n\\nAdvertisement\\n\\n'
        .. '\\u00a9 2024 Example News. All rights reserved.", "must_keep": ["The mayor opened the bridge"], '
        .. '"must_drop": ["Advertisement", "All rights reserved", "Home | News"]}',
    }, "\n") .. "\n" })
    local out, err, code = h.run({ "run", "evaluate", dir .. "/pages.jsonl" })
    h.rmtree(dir)
    assert.are.equal(0, code, err)
    assert.matches("keep recall 1.000 (1 of 1 must_keep snippets kept)", out, 1, true)
    assert.matches("drop rate   0.667 (2 of 3 must_drop snippets removed)", out, 1, true)
  end)
end)

describe("make install", function()
  it("installs a host that finds its library and scripts under the prefix", function()
    local dir = h.tree({})
    -- (without the sanitizer preload of the ASan run: make and install are not ours)
    assert.is_true(os.execute("env -u LD_PRELOAD make -s install DESTDIR=" .. dir .. " PREFIX=/opt/stet > /dev/null"))
    local p = io.popen(dir .. "/opt/stet/bin/stet run --list")
    local out = p:read("a")
    p:close()
    h.rmtree(dir)
    assert.are.equal("evaluate\nsites\ntop-paragraphs\n", out)
  end)
end)
