-- spec/shards_spec.lua: the shard recipe (README, "Beyond one machine"):
-- signatures per shard, merged, each shard cleaned against the merged file,
-- run with GNU parallel; the result equals one run over the whole corpus.
local h = require "spec.support.helpers"
local stet_lib = require "stet"

-- Runs a shell command. The sanitizer run's LD_PRELOAD is dropped: GNU
-- parallel (perl) and the shell are not ours, and bin/stet-asan carries its
-- sanitizer runtime itself.
local function sh(cmd)
  local p = io.popen("env -u LD_PRELOAD sh -c " .. h.quote(cmd) .. " 2>&1")
  local out = p:read("a")
  local ok = p:close()
  return out, ok
end

local function files_of(dir)
  local list = {}
  local p = io.popen("cd examples/corpus && find " .. dir .. " -type f | LC_ALL=C sort")
  for line in p:lines() do list[#list + 1] = line end
  p:close()
  return list
end

describe("shards", function()
  local tmp
  before_each(function() tmp = h.tree({}) end)
  after_each(function() h.rmtree(tmp) end)

  it("with GNU parallel give the single-run records, duplicates across shards included", function()
    -- the whole corpus as a list of files, cut into 4 shards so that the three
    -- scrapes of a01 and the h04 pair fall into different shards
    local files = {}
    for _, d in ipairs({ "axios", "bay-lantern", "harbor-ledger", "misc" }) do
      for _, f in ipairs(files_of(d)) do files[#files + 1] = f end
    end
    files[#files + 1] = "wire.jsonl"
    local cuts = { 1, 2, 20, 30, #files + 1 } -- shard k = files[cuts[k] .. cuts[k+1]-1]
    local lists = {}
    for k = 1, 4 do
      local f = assert(io.open(("%s/shard%d.txt"):format(tmp, k), "w"))
      f:write(table.concat(files, " ", cuts[k], cuts[k + 1] - 1), "\n")
      f:close()
      lists[#lists + 1] = ("%s/shard%d.txt"):format(tmp, k)
    end
    local stet = h.quote(os.getenv("PWD") .. "/" .. h.bin)
    local single = sh(("cd examples/corpus && %s clean -q -j 1 -r ../sites --keep-dups %s")
      :format(stet, table.concat(files, " ")))
    local recipe = table.concat({
      "cd examples/corpus",
      -- pass 1 on every shard (in parallel; {#} is the shard number)
      ("parallel --will-cite -j 2 -k '%s signatures -q -j 1 -r ../sites --shard {#} -o %s/{#}.sig $(cat {})' ::: %s")
        :format(stet, tmp, table.concat(lists, " ")),
      ("%s merge -q -o %s/all.sig %s/1.sig %s/2.sig %s/3.sig %s/4.sig"):format(stet, tmp, tmp, tmp, tmp, tmp, tmp),
      -- pass 2 on every shard against the merged signatures, output in shard order
      ("parallel --will-cite -j 2 -k '%s clean -q -j 1 -r ../sites --keep-dups --shard {#} --signatures %s/all.sig $(cat {})' ::: %s")
        :format(stet, tmp, table.concat(lists, " ")),
    }, " && ")
    local sharded, ok = sh(recipe)
    assert.is_true(ok, sharded)
    assert.are.equal(45, select(2, single:gsub("\n", "")))
    assert.is_true(single == sharded, "sharded output differs from the single run")
    assert.matches('"dup_of": "axios/a01%-rail%-safety.txt"', sharded)
  end)

  it("work on standard input, as Hadoop streaming or Spark pipe would run them", function()
    local stet = h.quote(h.bin)
    local corpus = "examples/corpus/wire.jsonl"
    local _, ok1 = sh(("%s signatures -q --shard 1 -o %s/1.sig - < %s"):format(stet, tmp, corpus))
    assert.is_true(ok1)
    sh(("%s merge -q -o %s/all.sig %s/1.sig"):format(stet, tmp, tmp))
    local streamed = sh(("%s clean -q --shard 1 --signatures %s/all.sig - < %s"):format(stet, tmp, corpus))
    local direct = sh(("%s clean -q %s"):format(stet, corpus))
    local function bodies(s)
      local out = {}
      for _, r in ipairs(h.jsonl(s)) do out[#out + 1] = r.id .. "|" .. r.text end
      return out
    end
    assert.are.same(bodies(direct), bodies(streamed))
  end)

  it("write the same bytes for the same shard, run after run", function()
    local stet = h.quote(h.bin)
    local corpus = "examples/corpus"
    for _, name in ipairs({ "a", "b" }) do
      local _, ok = sh(("%s signatures -q --shard 1 -o %s/%s.sig %s && %s merge -q -o %s/%s-all.sig %s/%s.sig")
        :format(stet, tmp, name, corpus, stet, tmp, name, tmp, name))
      assert.is_true(ok)
    end
    assert.are.equal(h.slurp(tmp .. "/a.sig"), h.slurp(tmp .. "/b.sig"))
    assert.are.equal(h.slurp(tmp .. "/a-all.sig"), h.slurp(tmp .. "/b-all.sig"))
    -- the same with workers, and by the general way (the lane off), which
    -- leaves no spill offsets behind
    for _, run in ipairs({ "-j 2", "-j 1", "-j 2" }) do
      for _, lane in ipairs({ "", "STET_LANE=0 " }) do
        local _, ok = sh(("%s%s signatures -q %s -r examples/sites --shard 1 -o %s/c.sig %s"):format(lane, stet, run,
          tmp, corpus))
        assert.is_true(ok)
        local _, ok2 = sh(("%s signatures -q -j 1 -r examples/sites --shard 1 -o %s/d.sig %s"):format(stet, tmp, corpus))
        assert.is_true(ok2)
        assert.are.equal(h.slurp(tmp .. "/d.sig"), h.slurp(tmp .. "/c.sig"), lane .. run)
      end
    end
    assert.is_nil(h.slurp(tmp .. "/d.sig"):find("\0off", 1, true))
    -- shards merged in any order of files give the same file
    sh(("%s signatures -q --shard 2 -o %s/e.sig examples/corpus/misc"):format(stet, tmp))
    sh(("%s merge -q -o %s/m1.sig %s/d.sig %s/e.sig"):format(stet, tmp, tmp, tmp))
    sh(("%s merge -q -o %s/m2.sig %s/e.sig %s/d.sig"):format(stet, tmp, tmp, tmp))
    assert.are.equal(h.slurp(tmp .. "/m1.sig"), h.slurp(tmp .. "/m2.sig"))
    -- a file of shards 1 and 3 cannot take shard 2 after it: the records
    -- are copied, not sorted, so the files must hold whole runs of shards
    sh(("%s signatures -q --shard 3 -o %s/f.sig examples/corpus/bay-lantern"):format(stet, tmp))
    sh(("%s merge -q -o %s/m13.sig %s/d.sig %s/f.sig"):format(stet, tmp, tmp, tmp))
    local out, ok = sh(("%s merge -q -o %s/m.sig %s/m13.sig %s/e.sig"):format(stet, tmp, tmp, tmp))
    assert.is_falsy(ok)
    assert.matches("the shards of .*m13%.sig and .*e%.sig interleave: merge files of whole shards, in shard order",
      out)
  end)

  it("signatures shows progress with --progress, writes the same file, and wants -j in 1..256", function()
    local stet = h.quote(h.bin)
    local err, ok = sh(("%s signatures --progress --shard 1 -o %s/p.sig examples/corpus/misc"):format(stet, tmp))
    assert.is_truthy(ok)
    assert.matches("\r\27%[Ksignatures: 6 documents, [%d.]+ MB, [%d.]+ MB/s, %d+ docs/s, 100%%, 0:00 left", err)
    assert.matches("\r\27%[Kstet signatures: shard 1: 6 documents", err)
    sh(("%s signatures -q --shard 1 -o %s/q.sig examples/corpus/misc"):format(stet, tmp))
    assert.are.equal(h.slurp(tmp .. "/q.sig"), h.slurp(tmp .. "/p.sig"))
    local out, ok2 = sh(("%s signatures -q -j 300 --shard 1 -o %s/r.sig examples/corpus/misc"):format(stet, tmp))
    assert.is_falsy(ok2)
    assert.are.equal("stet signatures: --jobs must be a whole number from 1 to 256 (see 'stet help signatures')\n",
      out)
  end)

  it("load the same records whatever the blocks the file is read in", function()
    local shards = require "stet.shards"
    local stet = h.quote(h.bin)
    -- authors (a site rule's byline) make some summaries tables ('G' records)
    sh(("%s signatures -q -r examples/sites --shard 1 -o %s/1.sig examples/corpus"):format(stet, tmp))
    local function load(block)
      local saved = shards.fill_block
      shards.fill_block = block
      local sig = assert(shards.read(tmp .. "/1.sig"))
      local st = stet_lib._sumstore(nil, 0.7, 14)
      local ok, err = pcall(shards.fill, sig, st)
      shards.fill_block = saved
      assert(ok, err)
      local all = {}
      for _, k in ipairs(st:keys()) do all[#all + 1] = st:get(k) end
      return all, st:clusters()
    end
    local whole, clusters = load(1 << 22)
    assert.are.equal(45, #whole)
    local tables = 0
    for _, s in ipairs(whole) do if s.authors or s.dropped then tables = tables + 1 end end
    assert.is_true(tables > 0)
    for _, block in ipairs({ 1, 2, 7, 100, 1000 }) do
      local got, got_clusters = load(block)
      assert.are.same(whole, got)
      assert.are.same(clusters, got_clusters)
    end
  end)

  it("refuse a shard that does not match the signatures, and bad files", function()
    local stet = h.quote(h.bin)
    sh(("%s signatures -q --shard 1 -o %s/1.sig examples/corpus/misc"):format(stet, tmp))
    sh(("%s merge -q -o %s/all.sig %s/1.sig"):format(stet, tmp, tmp))
    local out, ok = sh(("%s clean -q --shard 1 --signatures %s/all.sig examples/corpus/axios"):format(stet, tmp))
    assert.is_falsy(ok)
    assert.matches("the signatures hold 6 documents for shard 1, this input has 13", out, 1, true)
    local out2 = sh(("%s merge -q -o %s/x.sig %s/1.sig %s/1.sig"):format(stet, tmp, tmp, tmp))
    assert.matches("shard 1 appears twice", out2, 1, true)
    local good = assert(h.slurp(tmp .. "/all.sig"))
    assert.are.equal("STETSIG3\n", good:sub(1, 9))
    for name, bytes in pairs({
      ["bad2.sig"] = "STETSIG1\nxx",                       -- format 2, not a pack
      ["bad3.sig"] = "STETSIG3\nxx",                       -- no header
      ["cut.sig"] = good:sub(1, #good - 100),              -- records cut short
      ["junk.sig"] = good:sub(1, #good - 100) .. ("\156"):rep(100), -- records damaged
    }) do
      h.write(tmp .. "/" .. name, bytes)
      local out3, ok3 = sh(("%s clean -q --shard 1 --signatures %s/%s examples/corpus/misc"):format(stet, tmp, name))
      assert.is_falsy(ok3)
      assert.matches(name .. ": damaged signature file", out3, 1, true)
      assert.are.equal(1, select(2, out3:gsub("\n", "")), out3) -- one line, no traceback
    end
    -- a file of format 2 (one stet.pack of the whole) is read as before,
    -- and merges with one of format 3
    local sig = require("stet.shards").read(tmp .. "/all.sig")
    local st = stet_lib._sumstore(nil, 0, 14)
    require("stet.shards").fill(sig, st)
    local keys, list = st:keys(), {}
    for i, k in ipairs(keys) do list[i] = st:get(k) end
    local v2 = { version = 2, near = sig.near, items = sig.items, keys = keys, summaries = list }
    h.write(tmp .. "/v2.sig", "STETSIG1\n" .. stet_lib.pack(v2))
    local want = sh(("%s clean -q --shard 1 --signatures %s/all.sig examples/corpus/misc"):format(stet, tmp))
    local got, okv2 = sh(("%s clean -q --shard 1 --signatures %s/v2.sig examples/corpus/misc"):format(stet, tmp))
    assert.is_truthy(okv2)
    assert.are.equal(want, got)
    sh(("%s signatures -q --shard 2 -o %s/2.sig examples/corpus/axios"):format(stet, tmp))
    local _, okm = sh(("%s merge -q -o %s/mixed.sig %s/2.sig %s/v2.sig"):format(stet, tmp, tmp, tmp))
    assert.is_truthy(okm)
    sh(("%s merge -q -o %s/same.sig %s/1.sig %s/2.sig"):format(stet, tmp, tmp, tmp))
    assert.are.equal(h.slurp(tmp .. "/same.sig"), h.slurp(tmp .. "/mixed.sig"))
    -- a file of version 1 holds MinHash signatures of format 1
    v2.version = 1
    h.write(tmp .. "/old.sig", "STETSIG1\n" .. stet_lib.pack(v2))
    local out4, ok4 = sh(("%s clean -q --shard 1 --signatures %s/old.sig examples/corpus/misc"):format(stet, tmp))
    assert.is_falsy(ok4)
    assert.matches("old.sig: a signature file of version 1, made by an earlier stet", out4, 1, true)
  end)
end)
