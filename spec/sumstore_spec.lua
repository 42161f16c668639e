-- spec/sumstore_spec.lua: the pass-1 summaries in C (stet._sumstore,
-- core/lua_sumstore.c) give the clusters stet.decisions gives, count
-- paragraphs as counter:add_all does, and hand back what was put in.
local stet = require "stet"
local decisions = require "stet.decisions"

-- Summaries of a made-up corpus: bodies drawn from a few articles, some
-- edited (near duplicates), some copied (exact), some with no body, some
-- dropped.
local function corpus(n, seed)
  math.randomseed(seed)
  local words = {}
  for i = 1, 400 do words[i] = ("w%sx%s"):format(("a"):rep(i % 7 + 1), ("b"):rep(i % 11 + 1)) end
  local articles = {}
  for a = 1, 12 do
    local t = {}
    for w = 1, 120 do t[w] = words[math.random(#words)] end
    articles[a] = t
  end
  local list = {}
  for i = 1, n do
    local art = articles[math.random(#articles)]
    local body = {}
    for w = 1, #art do body[w] = art[w] end
    if math.random(3) == 1 then -- an edit
      for _ = 1, math.random(20) do body[math.random(#body)] = words[math.random(#words)] end
    end
    local text = table.concat(body, " ")
    local s = { index = i * 10, id = "doc" .. i, source = "src/" .. i, site = "site" .. math.random(3),
                rule = "generic", body_len = #text, off = i * 100, len = 90 + i % 7 }
    local r = math.random(20)
    if r == 1 then
      s.dropped = true
      s.fps = ""
    elseif r == 2 then -- nothing kept
      s.fps = ""
    else
      local paras = {}
      for p = 1, #body, 20 do paras[#paras + 1] = table.concat(body, " ", p, math.min(p + 19, #body)) end
      local fps = {}
      for k, p in ipairs(paras) do fps[k] = string.pack("<j", stet.fingerprint(p)) end
      s.fps = table.concat(fps)
      s.body_fp = stet.body_fingerprint(table.concat(paras, "\n\n"))
      s.sig = stet.minhash(table.concat(paras, "\n\n"))
    end
    list[i] = s
  end
  return list
end

-- The clusters by brute force: exact copies join the first document with
-- their body; two first bodies join when their signatures share a band
-- (14 bands of 8 values after the 4-byte header) and their estimated
-- similarity is at least near; clusters of two or more, by first key,
-- keys sorted.
local function reference_clusters(list, near)
  local first_of, reps, parent = {}, {}, {}
  local function find(x)
    while parent[x] ~= x do x = parent[x] end
    return x
  end
  for _, s in ipairs(list) do
    if not s.dropped and s.body_fp then
      local f = first_of[s.body_fp]
      if f then
        parent[s.index] = f
      else
        first_of[s.body_fp] = s.index
        parent[s.index] = s.index
        reps[#reps + 1] = s
      end
    end
  end
  if near > 0 then
    for a = 1, #reps do
      for b = a + 1, #reps do
        local x, y = reps[a].sig, reps[b].sig
        local shared = false
        for band = 0, 13 do
          local from = 5 + band * 32
          if x:sub(from, from + 31) == y:sub(from, from + 31) then shared = true end
        end
        if shared and stet.similarity(x, y) >= near then
          local rx, ry = find(reps[a].index), find(reps[b].index)
          if rx ~= ry then parent[math.max(rx, ry)] = math.min(rx, ry) end
        end
      end
    end
  end
  local groups, order = {}, {}
  for _, s in ipairs(list) do
    if parent[s.index] then
      local r = find(s.index)
      if not groups[r] then
        groups[r] = {}
        order[#order + 1] = r
      end
      table.insert(groups[r], s.index)
    end
  end
  table.sort(order)
  local out = {}
  for _, r in ipairs(order) do
    if #groups[r] > 1 then
      table.sort(groups[r])
      out[#out + 1] = groups[r]
    end
  end
  return out
end

describe("stet._sumstore", function()
  it("finds the clusters that brute force finds, as decisions.clusters", function()
    for _, near in ipairs({ 0.7, 0.5, 0 }) do
      for seed = 1, 3 do
        local list = corpus(300, seed)
        local st = stet._sumstore(nil, near, 14)
        local live = {}
        for _, s in ipairs(list) do
          st:add(s.index, s)
          if not s.dropped then live[#live + 1] = s end
        end
        local want = reference_clusters(list, near)
        assert.are.same(want, st:clusters())
        assert.are.same(want, decisions.clusters(live, { near = near }))
        if near > 0 then assert.is_true(#want > 5) end
      end
    end
  end)

  it("counts kept paragraphs as counter:add_all does, leaving dropped documents out", function()
    local list = corpus(200, 7)
    local a, b = stet.counter(), stet.counter()
    local st = stet._sumstore(b, 0)
    for _, s in ipairs(list) do
      st:add(s.index, s)
      if not s.dropped then a:add_all(s.fps, s.site, s.index) end
    end
    assert.is_true(a:size() > 50)
    assert.are.equal(a:size(), b:size())
    assert.are.same(a:top(40), b:top(40))
  end)

  it("gives back summaries, keys in order and batches of spilled documents", function()
    local list = corpus(50, 3)
    local st = stet._sumstore(nil, 0.7)
    for _, s in ipairs(list) do st:add(s.index, s) end
    assert.are.equal(50, #st)
    local keys = st:keys()
    for i, s in ipairs(list) do
      assert.are.equal(s.index, keys[i])
      assert.are.equal(s, st:get(s.index))
    end
    assert.is_nil(st:get(11))
    local seen, pos, total = {}, 1, 0
    while true do
      local ks, offs, lens, bytes
      ks, offs, lens, pos, bytes = st:spilled(pos, 7, 1 << 20)
      if #ks == 0 then break end
      assert.is_true(#ks <= 7)
      local sum = 0
      for t = 1, #ks do
        local s = st:get(ks[t])
        assert.are.equal(s.off, offs[t])
        assert.are.equal(s.len, lens[t])
        sum = sum + lens[t]
        seen[#seen + 1] = ks[t]
      end
      assert.are.equal(sum, bytes)
      total = total + #ks
    end
    assert.are.same(keys, seen)
    assert.has_error(function() st:add(5, list[1]) end, "sumstore: keys must increase")
  end)

  it("gives back the strings of the lane's records, past many blocks and longer than one", function()
    -- records as core/lua_lane.c writes them: the strings id, source,
    -- site, rule, fps, sig, title, date (nil: length 0xFFFFFFFF)
    local function record(key, strs)
      local head = string.pack("<c1i8I8I4I4BI8i8", "L", key, key * 100, 90, 1000, 0, 0, 0)
      local parts = { head }
      for i = 1, 8 do
        parts[#parts + 1] = strs[i] and string.pack("<s4", strs[i]) or "\255\255\255\255"
      end
      return table.concat(parts)
    end
    local st = stet._sumstore(nil, 0)
    local want, blob = {}, {}
    for i = 1, 3000 do
      -- about 12 MB in all; record 1500 has 5 MB of fingerprints
      local fps = i == 1500 and ("\1\2\3\4\5\6\7\8"):rep(5 << 17) or ("%08d"):format(i):rep(i % 50)
      local strs = { "doc" .. i, ("src/%d/"):format(i) .. ("x"):rep(i % 300), "site" .. i % 3, "generic",
                     fps, nil, i % 2 == 0 and ("Title %d"):format(i) or nil, i % 3 == 0 and "2024-01-02" or nil }
      want[i] = strs
      blob[#blob + 1] = record(i, strs)
    end
    blob = table.concat(blob)
    local pos, done = st:add_run(blob, 0)
    assert.are.equal(#blob, pos)
    assert.are.equal(3000, done)
    for i = 1, 3000 do
      local got, w = st:get(i), want[i]
      assert.are.same({ w[1], w[2], w[3], w[4], w[5], w[7], w[8] },
        { got.id, got.source, got.site, got.rule, got.fps, got.title, got.date }, "record " .. i)
      assert.is_nil(got.sig)
    end
  end)

  it("refuses a broken record", function()
    local st = stet._sumstore(nil, 0)
    assert.has_error(function() st:add_run("L\1\2", 0) end, "sumstore: truncated record")
    assert.has_error(function() st:add_run("X", 0) end, "sumstore: bad record")
    local pos, done, fix, g = st:add_run("GG", 0)
    assert.are.same({ 1, 1, 0, true }, { pos, done, fix, g })
  end)
end)
