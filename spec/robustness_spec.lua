-- spec/robustness_spec.lua: bad input of every kind gets a reason, and
-- every document read is accounted for; nothing crashes.
local h = require "spec.support.helpers"
local cjson = require "cjson"

describe("stet clean on bad input", function()
  it("rejects binary, truncated, missing and malformed inputs with their reasons", function()
    local junk = {}
    local seed = 99
    for i = 1, 20000 do
      seed = (seed * 1103515245 + 12345) % 2147483648
      junk[i] = string.char(seed % 256)
    end
    local dir = h.tree({
      ["in/a/bin.txt"] = "\0\1\2" .. table.concat(junk),
      ["in/a/empty.txt"] = "",
      ["in/a/long.txt"] = ("word "):rep(400000),
      ["in/a/w.jsonl"] = '{"text": 5}\n[1,2]\n{"text":"ok"}\n\n{"text":"\\ud800"}\n{"text": "x"',
    })
    local gz = io.popen("gzip -c | head -c 12 > " .. h.quote(dir .. "/in/a/trunc.txt.gz"), "w")
    gz:write(("some text to compress "):rep(200))
    gz:close()
    local out, err, code = h.run({ "clean", "--stats", dir .. "/stats.json", "--rejects", dir .. "/rej.jsonl",
      dir .. "/in", dir .. "/missing" })
    assert.are.equal(0, code, err)
    -- the missing path is named on stderr, not only counted
    assert.matches("stet clean: warning: " .. dir .. "/missing: No such file or directory " ..
      "(counted as a rejected document)\n", err, 1, true)
    local stats = cjson.decode(h.slurp(dir .. "/stats.json"))
    local rejects = h.jsonl(h.slurp(dir .. "/rej.jsonl"))
    h.rmtree(dir)
    local d = stats.documents
    assert.are.equal(d.read, d.kept + d.duplicate + d.dropped + d.rejected)
    assert.are.same({ read = 10, kept = 2, duplicate = 0, dropped = 1, rejected = 7 }, d)
    assert.are.same({ ["binary file"] = 1, ["truncated gzip data"] = 1, ["No such file or directory"] = 1,
      ["text field"] = 1, ["not a JSON object"] = 1, ["invalid JSON"] = 2 }, stats.rejected_by)
    assert.are.same({ empty = 1 }, stats.dropped_by)
    assert.are.equal(7, #rejects)
    assert.are.equal(2, #h.jsonl(out))
  end)

  it("names a missing input path on stderr in stet signatures too, and counts it as rejected", function()
    local dir = h.tree({ ["in/a/x.txt"] = "Some text of a document.\n" })
    local _, err, code = h.run({ "signatures", "--shard", "0", "-o", dir .. "/s.sig", dir .. "/in",
      dir .. "/gone" })
    h.rmtree(dir)
    assert.are.equal(0, code, err)
    assert.matches("stet signatures: warning: " .. dir .. "/gone: No such file or directory " ..
      "(counted as a rejected document)\n", err, 1, true)
    assert.matches("2 documents, 1 summarized, 1 rejected", err, 1, true)
  end)
end)
