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
    assert.is_true(os.execute("make -s install DESTDIR=" .. dir .. " PREFIX=/opt/stet > /dev/null"))
    local p = io.popen(dir .. "/opt/stet/bin/stet run --list")
    local out = p:read("a")
    p:close()
    h.rmtree(dir)
    assert.are.equal("evaluate\nsites\ntop-paragraphs\n", out)
  end)
end)
