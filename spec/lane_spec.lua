-- spec/lane_spec.lua: the lane (core/lua_lane.c), pass 1 of a plain text
-- file and pass 2 of a spilled document in one C call each, makes exactly
-- what the general way (stet.document in Lua) makes: the same summaries,
-- spilled documents, results and records, and the same output, stats and
-- rejects from `stet clean` (STET_LANE=0 turns the lane off).
local stet = require "stet"
local helpers = require "spec.support.helpers"
local pipeline = require "stet.pipeline"
local readers = require "stet.readers"
local rules = require "stet.rules"
local formats = require "stet.formats"

-- A site whose rule the lane takes (patterns, a cut, function matchers, one
-- of which fails on "BOOM"), one it does not (a head), and a generic one.
local RULES = {
  ["rules/lanesite.lua"] = [[
return {
  name = "lanesite",
  drop = {
    -- the document table a matcher sees is the same either way
    promo = { "^Promo:", { match = function(p, doc)
      return p.text:find("^Ad ") ~= nil and doc.bytes > 100 and doc.site == "lanesite" and
        doc.rule.name == "lanesite" and doc.id == "lanesite/" .. doc.source:match("(%d+)%.txt") and
        #doc.authors == 0 and next(doc.meta) == nil and doc._d ~= nil
    end, max_length = 60 } },
    boom = { { match = function(p) if p.text:find("BOOM", 1, true) then error("matcher blew up") end
                                   return false end, contains = "BOOM" } },
    tail = "^Share this$",
  },
  cut = { more = "^More stories$" },
}
]],
  ["rules/headsite.lua"] = [[
return { name = "headsite", head = { "title", "byline" }, drop = { promo = "^Promo:" } }
]],
  -- a rule for JSON lines, found by its domain, whose matcher reads what a
  -- JSON line's document has: the ad goes only when they are all right
  ["rules/jsonsite.lua"] = [[
return {
  name = "jsonsite", domains = { "json.example" },
  drop = { promo = { "^Promo:", { match = function(p, doc)
    return p.text:find("^Ad ") ~= nil and doc.line % 2 == 0 and doc.url:find("json%.example/b") ~= nil and
      (doc.title or ""):find("^Json story") ~= nil and doc.site == "jsonsite" and doc.rule.name == "jsonsite" and
      doc.source:find("feed%.jsonl$") ~= nil and doc.bytes > 100 and next(doc.meta) == nil and
      #doc.authors == 0 and (doc.date == nil or doc.date == "2024-02-03")
  end, max_length = 60 } } },
}
]],
}

local function body(i, extra)
  return ("Story %d opens here with a full sentence about the harbor.\n\n"):format(i) ..
    (extra or "") .. "A second paragraph, long enough to be body text, goes on about fares.\n\n" ..
    "Jane Doe / AP\n\nPromo: buy a thing\n\nAd space for rent\n\nShare this\n\n" ..
    "Sign up for our daily newsletter.\n\nMore stories\n\nTeaser one\n\nTeaser two"
end

-- The corpus in a new folder; edit, if given, changes each text file.
local function corpus(edit)
  local files = {}
  for i = 1, 12 do
    files[("in/lanesite/%02d.txt"):format(i)] = body(i % 5, i == 7 and "It went BOOM here.\n\n" or nil)
    files[("in/headsite/%02d.txt"):format(i)] = "A Headline For Story " .. i .. "\n\n" ..
      (i % 2 == 0 and "By Jane Roe and John Poe\n\n" or "") .. body(i)
    files[("in/plain/%02d.txt"):format(i)] = body(i % 3) .. ("\n\nCaf\195\169 num\195\169ro %d."):format(i)
  end
  files["in/plain/empty.txt"] = "Share this\n\nPhoto: Jane Doe"
  files["in/plain/binary.txt"] = "abc\0def"
  -- JSON Lines with titles, dates and fields that become meta
  local json = require "stet.json"
  local lines = {}
  for i = 1, 10 do
    local rec = { id = "feed-" .. i, site = "feedsite", text = body(i % 4) }
    if i % 2 == 0 then rec.title, rec.url = "Feed story " .. i, "https://feed.example/" .. i end
    if i % 3 == 0 then rec.date = "2024-01-1" .. i end
    if i % 4 == 1 then rec.tags, rec.score, rec.extra = { "a", "\"b\"" }, i + 0.5, { k = "v\195\169", n = i } end
    if i == 5 then rec.title = 7 end -- not a string: into meta
    lines[i] = json.encode(rec)
  end
  -- lines the lane takes, and lines it leaves to the general way (the
  -- comments say which)
  local q = json.string
  local extra = {
    -- escapes in the text and title; nulls; a made id; a CRLF line end
    '{"id": null, "site": "feedsite", "title": "Caf\\u00e9 \\/ \\"quoted\\"", "date": null, "text": ' ..
      q(body(1)):gsub("harbor", "harbor\\u2019s") .. '}',
    '{"id": "", "text": ' .. q(body(2)) .. ', "site": "feedsite"}\r',
    -- found by the url's domain, or by the folder
    '{"url": "https://json.example/a", "title": "Json story a", "text": ' .. q(body(3)) .. '}',
    '{"url": "https://www.json.example/b", "title": "Json story b", "date": "2024-02-03", "text": ' ..
      q(body(4)) .. '}',
    '{"title": "Folder story", "text": ' .. q(body(0)) .. '}',
    -- raw bytes the decoder passes through: invalid UTF-8, a control, NUL
    '{"site": "feedsite", "text": ' .. q(body(1)):gsub("fares", "f\255res\1") .. ', "title": "x\\u0000y"}',
    -- a key given twice: the last one counts, as for the decoder
    '{"site": "feedsite", "title": "One", "title": "Two", "text": ' .. q(body(0)) .. '}',
    -- the general way: an id that is a number, a date that does not
    -- normalize, an unknown field, a rule with a head, invalid JSON, no text
    '{"id": 12, "site": "feedsite", "text": ' .. q(body(2)) .. '}',
    '{"site": "feedsite", "date": "someday", "text": ' .. q(body(3)) .. '}',
    '{"site": "feedsite", "lang": "en", "text": ' .. q(body(4)) .. '}',
    '{"site": "headsite", "text": ' .. q("A Headline\n\n" .. body(1)) .. '}',
    '{"site": "feedsite", "text": "unfinished',
    '{"site": "feedsite", "title": "no text"}',
  }
  files["feed/feed.jsonl"] = table.concat(lines, "\n") .. "\n" .. table.concat(extra, "\n") .. "\n"
  -- a byte order mark on the first line: the general way
  files["feed2/bom.jsonl"] = "\239\187\191" .. lines[2] .. "\n" .. lines[4] .. "\n"
  if edit then
    for k, v in pairs(files) do files[k] = edit(v) end
  end
  for k, v in pairs(RULES) do files[k] = v end
  return helpers.tree(files)
end

local function ctx_for(dir, lane, near)
  return {
    registry = rules.registry({ dir .. "/rules" }), normalize = {}, near = near,
    minhash = {}, spill = stet._spill(), lane = lane, boilerplate = 2,
    format = formats.load("jsonl"), format_opts = {},
  }
end

local function items(dir, sub)
  local out = {}
  for item in readers.open(dir .. "/" .. (sub or "in"), { defer_text = true }) do out[#out + 1] = item end
  return out
end

-- The summaries (key -> table) of a stage1_chunk result, through a store
-- as pipeline.collect does it; rejects stay tables with .reject. Also the
-- bytes the results add to the walk's sizes (bytes_fix), in all: the lane
-- gives them per run, the general way per document (and not in the
-- summaries returned).
local function summaries_of(res, first)
  local st = stet._sumstore(nil, 0)
  local out, fixes = {}, 0
  local pos, t = 0, 1
  while pos < #res.blob do
    local done, g, fix
    pos, done, fix, g = st:add_run(res.blob, pos)
    fixes = fixes + fix
    t = t + done
    if g then
      local r = res.general[t - 1]
      fixes = fixes + (r.bytes_fix or 0)
      r.bytes_fix = nil
      if r.reject then out[first + t - 2] = r else st:add(first + t - 2, r) end
    end
  end
  for _, k in ipairs(st:keys()) do out[k] = st:get(k) end
  return out, fixes
end

-- Asserts that summary x of the lane (ctx lane) is summary y of the
-- general way: the same document and head in the spill file (a head for
-- the lane's jsonl records holds its authors and meta twice, which
-- stages.unspill takes back to tables), the rest the same.
local function same_summaries(lane, general, x, y)
  if x.off then
    local ux = pipeline.unspill(lane.spill, x.off, x.len)
    local uy = pipeline.unspill(general.spill, y.off, y.len)
    local dx, dy = ux._d, uy._d
    ux._d, uy._d = nil, nil
    assert.are.same(uy, ux)
    assert.are.equal(dy:dump(), dx:dump())
    x.off, x.len, y.off, y.len = nil, nil, nil, nil
  end
  assert.are.same(y, x)
end

-- `stet clean -q -j jobs ARGS` with the lane (out["1"]) and without
-- (out["0"]): { output, stats but for the seconds, rejects, stderr, exit
-- code } each.
local function clean_both_ways(dir, jobs, args)
  local out = {}
  for _, lane in ipairs({ "1", "0" }) do
    local argv = { "clean", "-q", "-j", jobs, "--stats", dir .. "/stats" .. lane,
                   "--rejects", dir .. "/rejects" .. lane }
    for _, a in ipairs(args) do argv[#argv + 1] = a end
    local stdout, stderr, code = helpers.run(argv, nil, { STET_LANE = lane })
    local stats = helpers.slurp(dir .. "/stats" .. lane):gsub('"seconds": [%d.e-]+', "")
    out[lane] = { stdout, stats, helpers.slurp(dir .. "/rejects" .. lane), stderr, code }
  end
  return out
end

local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end

describe("the lane", function()
  local dir
  setup(function() dir = corpus() end)
  teardown(function() helpers.rmtree(dir) end)

  it("summarizes and spills text files as the general way does", function()
    for _, near in ipairs({ 0.7, 0 }) do
      local lane, general = ctx_for(dir, true, near), ctx_for(dir, false, near)
      local docs, taken, key, ads = 0, 0, 1, 0
      for chunk in readers.open(dir .. "/in", { defer_text = true, chunk_text = true }) do
        assert.is_table(chunk.paths)
        chunk.index = key
        local ra = pipeline.stage1_chunk(copy(chunk), lane)
        local rb = pipeline.stage1_chunk(copy(chunk), general)
        assert.are.equal(#chunk.paths, ra.chunk)
        assert.are.equal(#chunk.paths, rb.chunk)
        assert.are.equal(("G"):rep(#chunk.paths), rb.blob)
        local a, fa = summaries_of(ra, key)
        local b, fb = summaries_of(rb, key)
        -- the walk knows no sizes: what was read counts through the fixes
        local bytes = 0
        for _, p in ipairs(chunk.paths) do
          local text = helpers.slurp(p)
          if not text:find("\0", 1, true) then bytes = bytes + #text end -- (a binary file counts 0)
        end
        assert.are.equal(bytes, fb)
        assert.are.equal(bytes, fa)
        for k = key, key + #chunk.paths - 1 do
          local x, y = a[k], b[k]
          assert.is_table(x)
          same_summaries(lane, general, x, y)
          if chunk.folder == "lanesite" and x.fps then -- the promo matcher took the ad
            local ad = string.pack("<j", stet.fingerprint("Ad space for rent"))
            local at = 1
            while at <= #x.fps and x.fps:sub(at, at + 7) ~= ad do at = at + 8 end
            assert.is_true(at > #x.fps)
            ads = ads + 1
          end
        end
        -- how far the lane goes by itself
        local r = lane.rule_of_folder[chunk.folder or false]
        if r.plan then
          local k = 1
          while k <= #chunk.paths do
            local next = r.plan:run_chunk(lane.spill, chunk.paths, chunk.sizes, chunk.id_bases, r.site, key, k)
            taken = taken + next - k
            k = next + 1
          end
        end
        docs = docs + #chunk.paths
        key = key + #chunk.paths
      end
      assert.are.equal(38, docs)
      -- lanesite and plain go the lane (but for BOOM and the binary file),
      -- headsite does not
      assert.is_false(lane.rule_of_folder.headsite.plan)
      assert.is_truthy(lane.rule_of_folder.lanesite.plan)
      assert.are.equal(24, taken)
      assert.is_true(ads >= 10)
    end
  end)

  it("summarizes and spills JSON lines as the general way does", function()
    -- (with chunk_ranges, as workers take them: where the lines are; with
    -- chunk_sink, as one thread takes them: in a buffer the reader refills)
    for _, case in ipairs({ { 0.7, false }, { 0, false }, { 0.7, "ranges" }, { 0.7, "sink" } }) do
      local near, how = case[1], case[2]
      local lane, general = ctx_for(dir, true, near), ctx_for(dir, false, near)
      local key, taken, given, ads = 1, 0, 0, 0
      local opts = { defer_json = true, chunk_json = true, block = 4096, chunk_ranges = how == "ranges",
                     chunk_sink = how == "sink" }
      for chunk in readers.open({ dir .. "/feed", dir .. "/feed2" }, opts) do
        if how == "ranges" then
          assert.is_string(chunk.range)
          assert.is_nil(chunk.block)
        elseif how == "sink" then
          assert.are.equal("userdata", type(chunk.block))
        else
          assert.is_string(chunk.block)
        end
        chunk.index = key
        local ra = pipeline.stage1_chunk(copy(chunk), lane)
        local rb = pipeline.stage1_chunk(copy(chunk), general)
        local n = chunk.count
        assert.are.equal(n, ra.chunk)
        assert.are.equal(n, rb.chunk)
        assert.are.equal(("G"):rep(n), rb.blob)
        local a, fa = summaries_of(ra, key)
        local b, fb = summaries_of(rb, key)
        assert.are.equal(0, fa)
        assert.are.equal(0, fb)
        for k = key, key + n - 1 do
          local x, y = a[k], b[k]
          assert.is_table(x)
          same_summaries(lane, general, x, y)
          if x.rule == "jsonsite" then -- the matcher saw what it should
            local ad = string.pack("<j", stet.fingerprint("Ad space for rent"))
            local at = 1
            while at <= #x.fps and x.fps:sub(at, at + 7) ~= ad do at = at + 8 end
            if at > #x.fps then ads = ads + 1 end
          end
        end
        local g = 0
        for _ in pairs(ra.general) do g = g + 1 end
        taken, given = taken + n - g, given + g
        key = key + n
      end
      -- the lane takes 7 of the first 10 lines (3 have fields that become
      -- meta), 7 of the others and the byte order mark's file's second; it
      -- leaves 3 + 6 + 1 to the general way
      assert.are.equal(15, taken)
      assert.are.equal(10, given)
      assert.are.equal(1, ads) -- line 14 only
    end
  end)

  it("rejects each line of a range whose file changed before a worker read it", function()
    local tree = helpers.tree({ ["f.jsonl"] = '{"text": "one"}\n\n{"text": "two"}\n{"text": "three"}\n' })
    local lane = ctx_for(dir, true, 0.7)
    local opts = { defer_json = true, chunk_json = true, chunk_ranges = true }
    local chunk = readers.open({ tree .. "/f.jsonl" }, opts)()
    assert.are.same({ 0, 50, 3, 4 }, { chunk.at, chunk.len, chunk.count, chunk.lines })
    chunk.index = 1
    local res = pipeline.stage1_chunk(copy(chunk), lane)
    local got = summaries_of(res, 1)
    assert.are.equal(3, res.chunk)
    for k = 1, 3 do assert.is_nil(got[k].reject) end
    helpers.write(tree .. "/f.jsonl", '{"text": "one"}\n{"text": "two"}\n')
    res = pipeline.stage1_chunk(copy(chunk), lane)
    assert.are.equal(3, res.chunk)
    got = summaries_of(res, 1)
    for k = 1, 3 do
      assert.are.equal(tree .. "/f.jsonl: the file changed while it was read (lines 1 to 4)", got[k].reject)
      assert.are.equal(tree .. "/f.jsonl", got[k].source)
    end
    helpers.rmtree(tree)
  end)

  it("knows the input's size when every path is a file (the counting table's growth goes by it)", function()
    local tree = helpers.tree({ ["a.jsonl"] = '{"text": "one"}\n', ["b.jsonl"] = '{"text": "two!"}\n' })
    assert.are.equal(33, pipeline.files_size({ tree .. "/a.jsonl", tree .. "/b.jsonl" }))
    assert.is_nil(pipeline.files_size({ tree .. "/a.jsonl", tree }))
    assert.is_nil(pipeline.files_size({ "-" }))
    assert.is_nil(pipeline.files_size({ tree .. "/missing.jsonl" }))
    helpers.rmtree(tree)
  end)

  it("keeps a worker's range buffer from range to range, but not one a very long line made big", function()
    local long = ('{"text": "%s"}'):format(("word "):rep(3500000))
    local tree = helpers.tree({ ["s.jsonl"] = '{"text": "short"}\n', ["l.jsonl"] = long .. "\n" })
    local ctx = ctx_for(dir, true, 0.7)
    local opts = { defer_json = true, chunk_json = true, chunk_ranges = true }
    local small = readers.open({ tree .. "/s.jsonl" }, opts)()
    small.index = 1
    pipeline.stage1_chunk(copy(small), ctx)
    local sink = ctx.range_sink
    assert.is_not_nil(sink)
    pipeline.stage1_chunk(copy(small), ctx)
    assert.are.equal(sink, ctx.range_sink)
    local big = readers.open({ tree .. "/l.jsonl" }, opts)()
    assert.is_true(big.len > 16 << 20)
    big.index = 2
    assert.are.equal(1, pipeline.stage1_chunk(copy(big), ctx).chunk)
    assert.is_nil(ctx.range_sink)
    helpers.rmtree(tree)
  end)

  it("takes the file whose function matcher fails the general way, which rejects it", function()
    local lane = ctx_for(dir, true, 0.7)
    local plan = require("stet.document").lane_plan(lane.registry.by_name.lanesite, lane)
    local path = dir .. "/in/lanesite/07.txt"
    local next, recs = plan:run_chunk(lane.spill, { path }, { 0 }, { "lanesite/07" }, "lanesite", 7, 1)
    assert.are.same({ 1, "" }, { next, recs })
    local six = dir .. "/in/lanesite/06.txt"
    next, recs = plan:run_chunk(lane.spill, { six }, { 0 }, { "lanesite/06" }, "lanesite", 6, 1)
    assert.are.equal(2, next)
    local ok = summaries_of({ chunk = 1, blob = recs, general = {} }, 6)[6]
    assert.are.equal("lanesite", ok.rule)
    local res = pipeline.stage1_chunk({ paths = { path }, id_bases = { "lanesite/07" }, sizes = { 0 },
                                        folder = "lanesite", index = 7 }, lane)
    assert.are.equal("G", res.blob)
    local r = res.general[1]
    assert.matches("matcher blew up", r.reject, 1, true)
    assert.matches("It went BOOM", r.raw, 1, true)
  end)

  it("gives the same stage-2 counts and records as the general way", function()
    local lane, general = ctx_for(dir, true, 0.7), ctx_for(dir, false, 0.7)
    local counter = stet.counter()
    local offs, lens, sums = {}, {}, {}
    local all = items(dir)
    table.move(items(dir, "feed"), 1, 10, #all + 1, all)
    local with = { title = 0, date = 0, authors = 0, meta = 0 }
    for i, item in ipairs(all) do
      local s = pipeline.stage1(copy(item), i, lane)
      if s.off then
        offs[#offs + 1], lens[#lens + 1], sums[#sums + 1] = s.off, s.len, s
        counter:add_all(s.fps, s.site, i)
        for key in pairs(with) do
          if key == "meta" then
            local _, head = stet._doc_unspill(lane.spill, s.off, s.len)
            if stet.unpack(head).mj then with.meta = with.meta + 1 end
          elseif s[key] then
            with[key] = with[key] + 1
          end
        end
      end
    end
    assert.is_true(#offs > 40)
    -- documents with each kind of metadata, which the lane writes too
    for key, n in pairs(with) do assert.is_true(n >= 3, key) end
    lane.counter, general.counter = counter, counter
    general.spill = lane.spill
    local choices = { false, { dup_of = "plain/01" }, { survivor = true, size = 2 },
                      { survivor = true, title = "Taken title", size = 2 }, { survivor = true, authors = {} },
                      { survivor = true, date = "2020-01-01" }, { survivor = true, authors = { "Ann Other" } } }
    local decs = {}
    for k = 1, #offs do decs[k] = choices[k % #choices + 1] end
    local written = 0
    for round = 1, 4 do
      local keep, threshold = round % 2 == 0, round <= 2 and 2 or 100
      lane.keep_dups, general.keep_dups = keep, keep
      lane.boilerplate, general.boilerplate = threshold, threshold
      local job = { offs = offs, lens = lens, decs = decs }
      local a = pipeline.stage2_batch(job, lane)
      local b = pipeline.stage2_batch(job, general)
      assert.are.same(b, a)
      assert.are.equal(#offs, a.n)
      -- with an output file, the same records go there, in order
      for _, ctx in ipairs({ lane, general }) do
        local path = dir .. "/direct.jsonl"
        local f = assert(io.open(path, "wb"))
        local c = pipeline.stage2_batch(job, ctx, f)
        f:close()
        assert.are.equal(a.out, helpers.slurp(path))
        assert.are.equal(#a.out, c.written)
        assert.is_nil(c.out)
        c.written, c.out = nil, a.out
        assert.are.same(a, c)
        -- with a sink (a worker's), the same records are appended to it
        local sink = stet._sink()
        sink:put("before|")
        local d = pipeline.stage2_batch(job, ctx, nil, sink)
        assert.are.equal("before|" .. a.out, sink:string())
        assert.are.equal(#a.out + 7, sink:len())
        assert.is_nil(d.out)
        d.out = a.out
        assert.are.same(a, d)
        sink:clear()
        assert.are.equal(0, sink:len())
        assert.are.equal("", sink:string())
      end
      written = written + select(2, a.out:gsub("\n", ""))
      -- the lane takes every document not dropped whose decision adds
      -- nothing it lacks (stages.finish), and stops at the first other one
      local function lane_takes(t)
        local s, dec = sums[t], decs[t]
        if s.dropped then return false end
        if not dec then return true end
        return not ((dec.title and not s.title) or (dec.date and not s.date) or
                    (dec.authors and #dec.authors > 0 and not s.authors))
      end
      local k, refused = 1, 0
      while k <= #offs do
        local agg = { n = 0, fates = {}, reasons = {}, read = 0, kept = 0, labels = {} }
        local next = stet._lane2_run(lane.spill, offs, lens, decs, k, counter, threshold, keep, agg)
        local stop = k
        while stop <= #offs and lane_takes(stop) do stop = stop + 1 end
        assert.are.equal(stop, next)
        if next <= #offs then refused = refused + 1 end
        k = next + 1
      end
      assert.is_true(refused >= 3)
    end
    assert.is_true(written > 40)
    -- the text format's records too, with the lane taking the documents
    for _, sep in ipairs({ "##", "" }) do
      for _, ctx in ipairs({ lane, general }) do
        ctx.format, ctx.format_opts = formats.load("text"), { separator = sep }
      end
      local job = { offs = offs, lens = lens, decs = {} }
      for k = 1, #offs do job.decs[k] = false end
      local a = pipeline.stage2_batch(job, lane)
      assert.are.same(pipeline.stage2_batch(job, general), a)
      assert.is_true(#a.out > 5000)
      local agg = { n = 0, fates = {}, reasons = {}, read = 0, kept = 0, labels = {}, text_sep = sep }
      local k = stet._lane2_run(lane.spill, offs, lens, job.decs, 1, counter, 2, false, agg)
      assert.is_true(k > #offs - 8, "the lane stopped at " .. k) -- all but the dropped ones
    end
  end)

  it("reads each spill file's own bytes, whichever was read before", function()
    -- two spill files hold the same documents but for one word of the same
    -- length, so the same offsets hold documents that differ; the lane
    -- keeps what it read of a spill file from call to call, and must not
    -- take it for the other's
    local other = corpus(function(text) return (text:gsub("harbor", "meadow")) end)
    local function spilled(root)
      local lane, general = ctx_for(root, true, 0.7), ctx_for(root, false, 0.7)
      general.spill = lane.spill
      local offs, lens, decs = {}, {}, {}
      for i, item in ipairs(items(root)) do
        local s = pipeline.stage1(copy(item), i, lane)
        if s.off then offs[#offs + 1], lens[#lens + 1], decs[#decs + 1] = s.off, s.len, false end
      end
      return lane, general, { offs = offs, lens = lens, decs = decs }
    end
    local lane1, general1, job1 = spilled(dir)
    local lane2, general2, job2 = spilled(other)
    assert.are.same(job1, job2)
    local b1 = pipeline.stage2_batch(job1, general1)
    local b2 = pipeline.stage2_batch(job2, general2)
    assert.are_not.equal(b1.out, b2.out)
    for _ = 1, 2 do
      assert.are.equal(b1.out, pipeline.stage2_batch(job1, lane1).out)
      assert.are.equal(b2.out, pipeline.stage2_batch(job2, lane2).out)
    end
    helpers.rmtree(other)
  end)

  it("takes compressed text files too, as the general way reads them", function()
    -- gzip and zstd copies of the text files of in/, one truncated, one not
    -- compressed at all despite its name
    local z = dir .. "/zin"
    helpers.sh(("cp -r %s %s"):format(helpers.quote(dir .. "/in"), helpers.quote(z)))
    helpers.sh(("cd %s && for f in lanesite/*.txt plain/0*.txt; do gzip -q \"$f\"; done && " ..
      "for f in headsite/*.txt; do zstd -q --rm \"$f\"; done && " ..
      "head -c 40 lanesite/03.txt.gz > lanesite/03b.txt.gz && printf 'not gzip' > plain/fake.txt.gz")
      :format(helpers.quote(z)))
    local lane, general = ctx_for(dir, true, 0.7), ctx_for(dir, false, 0.7)
    local taken, key = 0, 1
    for chunk in readers.open(z, { defer_text = true, chunk_text = true }) do
      chunk.index = key
      local ra = pipeline.stage1_chunk(copy(chunk), lane)
      local rb = pipeline.stage1_chunk(copy(chunk), general)
      local a, fa = summaries_of(ra, key)
      local b, fb = summaries_of(rb, key)
      assert.are.equal(fb, fa)
      for k = key, key + #chunk.paths - 1 do same_summaries(lane, general, a[k], b[k]) end
      for t = 1, #chunk.paths do
        if not ra.general[t] then taken = taken + 1 end
      end
      key = key + #chunk.paths
    end
    -- the lane takes 11 of the 13 files of lanesite (not the one whose
    -- matcher fails, BOOM, nor the truncated one) and 13 of the 15 of plain
    -- (not the binary one nor the false gzip); the zstd files of headsite
    -- go the general way for their rule's head
    assert.are.equal(24, taken)
    for _, jobs in ipairs({ "1", "2" }) do
      local out = clean_both_ways(dir, jobs, { "-r", dir .. "/rules", "--keep-dups", z })
      assert.are.equal(0, out["1"][5], out["1"][4])
      assert.matches("truncated", out["1"][3])
      assert.are.same(out["0"], out["1"])
    end
  end)

  it("spills a run of long files in parts, and counts their bytes though the walk did not stat them", function()
    -- 90 files of about 56 KB: a folder walk leaves their sizes unknown, so
    -- one chunk takes them all, and its documents go to the spill file
    -- whenever 4 MB of them wait
    local big = dir .. "/big/longsite"
    helpers.sh("mkdir -p " .. helpers.quote(big))
    local total = 0
    local word = helpers.word -- (numbers would key alike)
    local para = "A long paragraph of council news about %s and %s. " .. ("It has many words in it. "):rep(12)
      .. "\n\n"
    for i = 1, 90 do
      local parts = {}
      for p = 1, 160 do parts[p] = para:format(word(i * 1000 + p), word(i * 7 + p * 13)) end
      local text = table.concat(parts)
      helpers.write(("%s/%03d.txt"):format(big, i), text)
      total = total + #text
    end
    local out = {}
    for _, lane in ipairs({ "1", "0" }) do
      local stdout, stderr, code = helpers.run({ "clean", "-q", "-j", "1", "--stats", dir .. "/bigstats" .. lane,
                                                 dir .. "/big" }, nil, { STET_LANE = lane })
      assert.are.equal(0, code, stderr)
      local stats = helpers.slurp(dir .. "/bigstats" .. lane)
      assert.matches('"read": ' .. total .. ",", stats, 1, true)
      out[lane] = { stdout, (stats:gsub('"seconds": [%d.e-]+', "")) }
    end
    assert.is_true(#out["1"][1] > 4 * 1024 * 1024)
    assert.are.same(out["0"], out["1"])
  end)

  it("appends strings and sinks to the spill file, and sends a range of it to a file", function()
    local sp = stet._spill()
    local sink = stet._sink()
    sink:put("second ")
    sink:put("part")
    assert.are.equal(0, stet._spill_append(sp, "first "))
    assert.are.equal(6, stet._spill_append(sp, sink))
    assert.are.equal(17, stet._spill_append(sp, stet._sink())) -- an empty one
    assert.are.equal(17, sp:size())
    local path = dir .. "/sent.txt"
    local f = assert(io.open(path, "wb"))
    stet._spill_send(sp, 3, 11, f)
    f:close()
    assert.are.equal("st second p", helpers.slurp(path))
    assert.has_error(function() stet._spill_append(sp, {}) end)
    sp:close()
  end)

  it("leaves `stet clean`'s output, stats and rejects as they are for JSON lines of every shape", function()
    -- random lines: valid and broken escapes, nulls, numbers, arrays and
    -- objects as values, keys given twice, unknown keys, raw control and
    -- invalid UTF-8 bytes, CR line ends, blank and cut lines
    local words = { "harbor", "fares", "council", "Read more", "Share this", "Photo: Jane Doe / AP",
                    "Ad space", "\195\169", "\226\128\153", "\\u2019", "\\n", "\\n\\n", "\\t",
                    '\\"', "\\\\", "\\/", "\\u00e9", "\\ud83d\\ude00", "\\u0000", "\1", "\255", "\r" }
    local bad = { "\\ud800", "\\x", "\\ude00" }
    local keys = { "id", "url", "site", "title", "date", "text", "lang" }
    for seed = 1, 2 do
      local state = seed * 7919
      local function R(a, b) -- a small deterministic generator, the same on every machine
        state = (state * 1103515245 + 12345) % 2147483648
        if not b then a, b = 1, a end
        return a + state % (b - a + 1)
      end
      local function str(maxw)
        local t = {}
        for _ = 1, R(0, maxw) do t[#t + 1] = R(150) == 1 and bad[R(#bad)] or words[R(#words)] end
        return '"' .. table.concat(t, " ") .. '"'
      end
      local function text()
        local ps = {}
        for _ = 1, R(1, 8) do
          local w = {}
          for _ = 1, R(1, 12) do w[#w + 1] = R(400) == 1 and bad[R(#bad)] or words[R(#words)] end
          ps[#ps + 1] = table.concat(w, " ")
        end
        return '"' .. table.concat(ps, "\\n\\n") .. '"'
      end
      local other = { function() return str(3) end, function() return "null" end,
                      function() return tostring(R(100)) end, function() return "1.5" end,
                      function() return "true" end, function() return "[" .. str(2) .. "]" end,
                      function() return '{"a": ' .. str(1) .. "}" end }
      local lines = {}
      for i = 1, 300 do
        local fields = {}
        for _ = 1, R(1, 5) do
          local k = keys[R(#keys)]
          local v
          if k == "text" then v = R(10) > 1 and text() or other[R(#other)]()
          elseif k == "url" then v = R(2) == 1 and '"https://json.example/' .. R(9) .. '"' or other[R(#other)]()
          elseif k == "site" then v = ({ '"feedsite"', '"jsonsite"', '""', "null", '"lanesite"' })[R(5)]
          elseif k == "date" then v = ({ '"2024-01-02"', '"someday"', '""', "null", '"Jan. 2, 2021"' })[R(5)]
          else v = R(4) > 1 and str(3) or other[R(#other)]() end
          fields[#fields + 1] = '"' .. k .. '"' .. (R(5) == 1 and " : " or ":") .. v
        end
        if R(3) > 1 then fields[#fields + 1] = '"text": ' .. text() end
        local line = "{" .. table.concat(fields, ", ") .. "}"
        local r = R(40)
        if r == 1 then line = line:sub(1, R(#line))
        elseif r == 2 then line = "  " .. line .. " \t"
        elseif r == 3 then line = line .. "\r"
        elseif r == 4 then line = ""
        elseif r == 5 then line = "[1, 2]" end
        lines[i] = line
      end
      local path = dir .. "/random" .. seed .. ".jsonl"
      helpers.write(path, table.concat(lines, "\n") .. "\n")
      for _, jobs in ipairs({ "1", "2" }) do
        local out = clean_both_ways(dir, jobs, { "-r", dir .. "/rules", path })
        assert.is_true(#out["1"][1] > 10000)
        assert.are.same(out["0"], out["1"])
      end
    end
  end)

  it("leaves `stet clean`'s output, stats and rejects as they are", function()
    local gen = dir .. "/gen"
    helpers.sh(("lua5.4 bench/gen_corpus.lua --mb 0.3 --seed 7 --out %s --quiet"):format(helpers.quote(gen)))
    local runs = {
      { "-r", dir .. "/rules", dir .. "/in", dir .. "/feed/feed.jsonl" },
      { "-r", dir .. "/rules", "--keep-dups", dir .. "/in", dir .. "/feed" },
      { gen .. "/text" },
      { "--keep-dups", "--boilerplate", "3", gen .. "/text" },
      { "--near", "0", "--boilerplate", "0", gen .. "/text" },
      { "--format", "text", gen .. "/text" },
      { "--format", "text", "--separator", "----", "--boilerplate", "0", "--keep-dups", "-r", dir .. "/rules",
        dir .. "/in", dir .. "/feed" },
      { "-r", "examples/sites", "examples/corpus" },
    }
    for _, args in ipairs(runs) do
      for _, jobs in ipairs({ "1", "2" }) do
        local out = clean_both_ways(dir, jobs, args)
        assert.are.equal(0, out["1"][5], out["1"][4])
        assert.is_true(#out["1"][1] > 1000)
        assert.are.same(out["0"], out["1"])
      end
    end
  end)
end)
