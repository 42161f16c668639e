-- spec/examples_spec.lua: the bundled example rules, cases and corpus
-- (examples/CORPUS.md says what each document demonstrates; the numbers
-- asserted here are the ones it gives).
local h = require "spec.support.helpers"
local cjson = require "cjson"

local RULES, CORPUS = "examples/sites", "examples/corpus"

local function clean(extra)
  local stats = os.tmpname()
  local argv = { "clean", "-r", RULES, "--stats", stats }
  for _, a in ipairs(extra or {}) do argv[#argv + 1] = a end
  argv[#argv + 1] = CORPUS
  local out, err, code = h.run(argv)
  local s = cjson.decode(h.slurp(stats))
  os.remove(stats)
  return h.jsonl(out), s, err, code
end

local function by_id(records)
  local t = {}
  for _, r in ipairs(records) do t[r.id] = r end
  return t
end

describe("examples", function()
  it("every case of every example rule file passes stet check", function()
    local out, err, code = h.run({ "check", "-v", RULES })
    assert.are.equal(0, code, out .. err)
    assert.matches("10 cases: 10 passed, 0 failed", out, 1, true)
    assert.matches("ok    axios: no%-head%-teasers", out)
  end)

  it("stet clean accounts for the corpus exactly as CORPUS.md says", function()
    local recs, stats, err, code = clean({ "--keep-dups" })
    assert.are.equal(0, code, err)
    assert.are.same({ read = 45, kept = 41, duplicate = 4, dropped = 0, rejected = 0 }, stats.documents)
    assert.are.equal(405, stats.paragraphs.read)
    assert.are.equal(188, stats.paragraphs.kept)
    assert.are.same({
      ad = 3, audio = 2, boilerplate = 19, byline = 10, caption = 3, chart = 1, comments = 4,
      contact = 5, cookie = 1, copyright = 3, credit = 14, cut = 71, date = 31, newsletter = 7,
      readalso = 3, readmore = 1, related = 2, share = 2, subscribe = 3, tipline = 1, title = 31,
    }, stats.paragraphs.dropped)
    assert.are.equal(45, #recs)
  end)

  it("keeps one article per duplicate cluster: the one with date and headline, or the longer", function()
    local recs = by_id((clean({ "--keep-dups" })))
    local survivor = recs["axios/a01-rail-safety"]
    assert.are.equal(cjson.null, survivor.dup_of)
    assert.is_string(survivor.title)
    assert.are.equal("2017-06-07", survivor.date)
    assert.are.equal("axios/a01-rail-safety", recs["axios/a01-rail-safety-scrape2"].dup_of)
    assert.are.equal("axios/a01-rail-safety", recs["axios/a01-rail-safety-scrape3"].dup_of)
    assert.are.equal(survivor.text, recs["axios/a01-rail-safety-scrape2"].text)
    assert.are.equal("harbor-ledger/h04b-breakwater-road-updated", recs["harbor-ledger/h04-breakwater-road"].dup_of)
    assert.are.equal("bay-lantern/l05b-broadband-updated", recs["bay-lantern/l05-broadband"].dup_of)
    -- without --keep-dups the duplicates are not written
    local plain = clean()
    assert.are.equal(41, #plain)
  end)

  it("reads the gzip, CRLF, mojibake and JSONL documents", function()
    local recs = by_id((clean()))
    assert.is_truthy(recs["harbor-ledger/h08-cannery-studios"])
    for _, r in pairs(recs) do
      assert.is_nil(r.text:find("\r", 1, true), r.id)
      assert.is_nil(r.text:find("Ã", 1, true), r.id)
      assert.is_nil(r.text:find("â€", 1, true), r.id)
    end
    assert.are.equal("harbor-ledger", recs["wire-0002"].site)
    assert.is_string(recs["wire-0001"].meta.dateline)
  end)

  it("explain agrees with clean on every example document", function()
    local recs = by_id((clean({ "--keep-dups" })))
    local out, err, code = h.run({ "explain", "--json", "-r", RULES, "--corpus", CORPUS, CORPUS .. "/wire.jsonl" })
    assert.are.equal(0, code, err)
    local explained = h.jsonl(out)
    local list = io.popen("find " .. CORPUS .. " -type f ! -name '*.jsonl' | LC_ALL=C sort")
    for path in list:lines() do
      local o = h.run({ "explain", "--json", "-r", RULES, "--corpus", CORPUS, path })
      local e = h.jsonl(o)[1]
      e.id = path:sub(#CORPUS + 2):gsub("%.txt%.gz$", ""):gsub("%.txt$", "")
      explained[#explained + 1] = e
    end
    list:close()
    assert.are.equal(45, #explained)
    for _, e in ipairs(explained) do
      local kept = {}
      for _, p in ipairs(e.paragraphs) do
        if p.fate == "kept" then kept[#kept + 1] = p.text end
      end
      local r = recs[e.id]
      assert.is_truthy(r, e.id)
      assert.are.equal(r.text, table.concat(kept, "\n\n"), e.id)
      if r.dup_of == cjson.null then
        assert.are.equal(r.title, e.title == nil and cjson.null or e.title, e.id)
      end
    end
  end)

  it("writes the example HTML format", function()
    local out, err, code = h.run({ "clean", "-q", "-r", RULES, "-f", "examples/formats/html.lua", CORPUS })
    assert.are.equal(0, code, err)
    assert.matches("^<!doctype html>", out)
    assert.matches("</html>\n?$", out)
    assert.is_nil(out:find("<script", 1, true))
  end)

  it("make demo's script runs the example job", function()
    local p = io.popen("STET_BIN=" .. h.quote(h.bin) .. " sh examples/demo.sh 2>&1")
    local out = p:read("a")
    local ok = p:close()
    assert.is_true(ok, out)
    assert.matches("45 read, 41 kept, 4 duplicate", out, 1, true)
  end)
end)
