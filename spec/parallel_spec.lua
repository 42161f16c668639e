-- spec/parallel_spec.lua: worker threads (stet.pool), stet.pack, counter
-- views, `stet clean -j N` (identical output), progress and SIGINT.
local h = require "spec.support.helpers"
local stet = require "stet"
local cjson = require "cjson"

describe("stet.pack", function()
  it("round-trips plain data", function()
    local v = { 1, -2, 2.5, "x\0y", true, false, { a = { b = { "deep" } }, [10] = "sparse", [-1] = 3 },
                n = math.maxinteger, f = -0.125, s = ("z"):rep(100000) }
    assert.are.same(v, stet.unpack(stet.pack(v)))
    assert.are.equal(42, stet.unpack(stet.pack(42)))
    assert.is_nil(stet.unpack(stet.pack(nil)))
  end)

  it("packs keys in a fixed order when asked (files): equal data, equal bytes", function()
    local keys = {}
    for i = 1, 200 do keys[i] = "k" .. i end
    local a, b = {}, {}
    for i = 1, 200 do a[keys[i]] = { i, x = i, [i + 0.5] = true, [true] = i, [false] = 0 } end
    for i = 200, 1, -1 do -- another insertion order, with keys that come and go
      b["gone" .. i] = i
      b[keys[i]] = { i, [false] = 0, [true] = i, [i + 0.5] = true, x = i }
      b["gone" .. i] = nil
    end
    b[1000], a[1000] = "n", "n"
    local pa, pb = stet.pack(a, true), stet.pack(b, true)
    assert.are.equal(pa, pb)
    assert.are.same(a, stet.unpack(pa))
    -- numbers first, then strings bytewise ("k1" < "k10" < "k100" < "k2"): the
    -- first key string written is k1's, then its field x; k10 follows
    local k1, x, k10 = pa:find("k1", 1, true), pa:find("x", 1, true), pa:find("k10", 1, true)
    assert.is_true(pa:find("n", 1, true) < k1 and k1 < x and x < k10)
    -- up to 64 keys are sorted on the stack, more in a list: both ways at the edge
    for _, count in ipairs({ 63, 64, 65 }) do
      local c, d = { "array", "part" }, { "array", "part" }
      for i = 1, count do c["f" .. i] = i end
      for i = count, 1, -1 do d["f" .. i] = i end
      assert.are.equal(stet.pack(c, true), stet.pack(d, true))
      assert.are.same(c, stet.unpack(stet.pack(c, true)))
    end
  end)

  it("writes a repeated key string once and numbers it after, past 256 keys too", function()
    local many = {}
    for i = 1, 600 do
      many[i] = { common = i, ["key" .. i] = -i, [("long"):rep(20) .. i] = i, [i + 0.5] = "float key" }
    end
    local packed = stet.pack(many)
    assert.are.same(many, stet.unpack(packed))
    local _, commons = packed:gsub("common", "")
    assert.are.equal(1, commons)
    -- a damaged key number is an error, not a crash
    local one = stet.pack({ { a = 1 }, { a = 2 } })
    local bad = one:gsub("K\0", "K\9")
    assert.are_not.equal(one, bad)
    assert.has_error(function() stet.unpack(bad) end, "stet.unpack: bad data (key 9)")
    assert.has_error(function() stet.unpack(one:sub(1, #one - 10)) end, "stet.unpack: truncated data")
  end)

  it("gives a value the same bytes whatever was packed before, even a pack an error stopped", function()
    local v = { { x = 1, title = "t" }, { x = 2, title = "u" } }
    local first = stet.pack(v)
    local w = { { y = 1 }, { x = 3, y = 2 }, { title = "w" } }
    local other = stet.pack(w)
    assert.are.same(w, stet.unpack(other))
    assert.are.equal(first, stet.pack(v))
    local cycle = { x = 1 }
    cycle.title = { x = 2, title = cycle }
    assert.is_false(pcall(stet.pack, cycle))
    assert.are.equal(first, stet.pack(v))
    assert.are.same(v, stet.unpack(stet.pack(v)))
  end)

  it("refuses functions, cycles and damaged data", function()
    assert.has_error(function() stet.pack({ print }) end, "stet.pack: cannot pack a function")
    local t = {}
    t.self = t
    assert.has_error(function() stet.pack(t) end, "stet.pack: tables nested too deep (a cycle?)")
    local s = stet.pack({ "abc", 1 })
    assert.has_error(function() stet.unpack(s:sub(1, -2)) end, "stet.unpack: truncated data")
    assert.has_error(function() stet.unpack(s .. "x") end, "stet.unpack: 1 bytes of trailing data")
    assert.has_error(function() stet.unpack("Q") end, "stet.unpack: bad data (tag 81)")
  end)
end)

describe("stet.pool", function()
  it("runs jobs on worker states and returns results in submission order", function()
    local pool = stet.pool(3, [[
      local prefix = ...
      local stet = require "stet"
      return function(job)
        local n = tonumber(job)
        local x = 0
        for i = 1, (n % 3) * 20000 do x = x + i end -- uneven work
        return prefix .. job .. ":" .. (stet.normalize("e\u{301}") == "\u{E9}" and "nfc" or "?")
      end]], "w")
    assert.are.equal(3, pool:size())
    local got = {}
    for i = 1, 40 do
      if pool:pending() >= pool:capacity() then got[#got + 1] = pool:next() end
      pool:submit(tostring(i))
    end
    while pool:pending() > 0 do got[#got + 1] = pool:next() end
    pool:close()
    assert.are.equal(40, #got)
    for i = 1, 40 do assert.are.equal("w" .. i .. ":nfc", got[i]) end
  end)

  it("reports a failing job as nil and its error, and keeps going", function()
    local pool = stet.pool(2, "return function(job) if job == 'bad' then error('boom') end return job end", "")
    pool:submit("a")
    pool:submit("bad")
    pool:submit("c")
    assert.are.equal("a", pool:next())
    local res, err = pool:next()
    assert.is_nil(res)
    assert.matches("boom", err)
    assert.are.equal("c", pool:next())
    assert.has_error(function() pool:next() end, "no job pending")
    pool:close()
    assert.has_error(function() pool:submit("x") end, "the pool is closed")
  end)

  it("takes plain data as jobs and gives plain data back, packed across threads", function()
    local pool = stet.pool(2, [[
      require "stet"
      return function(job)
        if type(job) == "string" then return "s:" .. job end
        if job.fail == "error" then error("bad job " .. job.n) end
        if job.fail == "function" then return { f = print } end -- cannot be packed
        local sum = 0
        for _, v in ipairs(job.list) do sum = sum + v end
        return { n = job.n, sum = sum, big = job.big and #job.big, echo = job.big, nested = { job.name } }
      end]], "")
    local big = ("x"):rep(3 << 20)
    local jobs = {
      { n = 1, list = { 1, 2, 3 }, name = "one" },
      "a string",
      { n = 2, list = {}, name = "two", big = big },
      { n = 3, fail = "error" },
      { n = 4, fail = "function" },
      { n = 5, list = { 10 }, name = "five" },
    }
    for _, j in ipairs(jobs) do
      if pool:pending() >= pool:capacity() then error("capacity") end
      pool:submit(j)
    end
    assert.are.same({ n = 1, sum = 6, nested = { "one" } }, pool:next())
    assert.are.equal("s:a string", pool:next())
    local r = pool:next()
    assert.are.equal(3 << 20, r.big)
    assert.are.equal(big, r.echo)
    local res, err = pool:next()
    assert.is_nil(res)
    assert.matches("bad job 3", err)
    res, err = pool:next()
    assert.is_nil(res)
    assert.matches("cannot pack a function", err)
    assert.are.same({ n = 5, sum = 10, nested = { "five" } }, pool:next())
    -- a job that cannot be packed is refused when submitted
    assert.has_error(function() pool:submit({ print }) end, "stet.pack: cannot pack a function")
    assert.are.equal(0, pool:pending())
    pool:close()
  end)

  it("fails to start with the worker's error", function()
    assert.has_error(function() stet.pool(2, "return 42", "") end, "worker 1: worker init must return a function")
    assert.has_error(function() stet.pool(1, "syntax error here", "") end)
  end)

  it("lets workers read a counter through a view", function()
    local c = stet.counter()
    c:add(7, "site", 1)
    c:add(7, "site", 2)
    local pool = stet.pool(2, [[
      local stet = require "stet"
      local view = stet._counter_view(tonumber(...))
      return function(job) return tostring(view:count(tonumber(job), "site")) end]], tostring(c:address()))
    pool:submit("7")
    pool:submit("8")
    assert.are.equal("2", pool:next())
    assert.are.equal("0", pool:next())
    pool:close()
  end)
end)

describe("stet clean -j N", function()
  local dir
  setup(function()
    dir = h.tree({})
    assert.is_true(os.execute("lua5.4 bench/gen_corpus.lua --mb 1 --seed 7 --quiet --out " .. dir .. "/gen"))
  end)
  teardown(function() h.rmtree(dir) end)

  local function clean(extra)
    local argv = { "clean", "--stats", dir .. "/stats.json" }
    for _, a in ipairs(extra) do argv[#argv + 1] = a end
    local out, err, code = h.run(argv)
    return out, err, code, cjson.decode(h.slurp(dir .. "/stats.json"))
  end

  it("writes byte-identical records with 1, 2 and 3 workers", function()
    for _, input in ipairs({ dir .. "/gen/text", dir .. "/gen/corpus.jsonl" }) do
      local one, err1, code1, s1 = clean({ "-j", "1", "-q", "--keep-dups", input })
      assert.are.equal(0, code1, err1)
      assert.is_true(#one > 100000)
      for _, j in ipairs({ "2", "3" }) do
        local many, _, code, s = clean({ "-j", j, "-q", "--keep-dups", input })
        assert.are.equal(0, code)
        assert.is_true(one == many, "output differs with -j " .. j .. " on " .. input)
        s.seconds, s1.seconds = nil, nil
        assert.are.same(s1, s)
      end
    end
  end)

  it("gives the example corpus the same records in parallel", function()
    local a = h.run({ "clean", "-j", "1", "-q", "-r", "examples/sites", "examples/corpus" })
    local b = h.run({ "clean", "-j", "4", "-q", "-r", "examples/sites", "examples/corpus" })
    assert.are.equal(a, b)
  end)

  it("shows progress on stderr with --progress, never in the output", function()
    local out, err, code = clean({ "-j", "2", "--progress", dir .. "/gen/text" })
    assert.are.equal(0, code)
    assert.matches("pass 1/2: %d+ documents, [%d.]+ MB, [%d.]+ MB/s, %d+ docs/s, %d+%%, %d+:%d%d left", err)
    assert.matches("pass 2/2: ", err, 1, true)
    assert.is_nil(out:find("pass 1/2", 1, true))
    assert.are.equal("{", out:sub(1, 1))
  end)
end)

describe("SIGINT", function()
  it("stops cleanly: whole records, stats marked interrupted, exit 130", function()
    local dir = h.tree({ ["rules/slow.lua"] = [[
      return { name = "slow", paragraph = function(p)
        local x = 0
        for i = 1, 200000 do x = x + i end
      end }]] })
    local json = {}
    for i = 1, 400 do
      local f = assert(io.open(("%s/in/slow/%04d.txt"):format(dir, i), "w")
        or (os.execute("mkdir -p " .. dir .. "/in/slow") and io.open(("%s/in/slow/%04d.txt"):format(dir, i), "w")))
      local text = ("Paragraph one of document %d.\n\nParagraph two is here.\n\nAnd a third one."):format(i)
      f:write(text)
      f:close()
      -- the same as JSON lines, every other one for the lane (no slow rule)
      json[i] = cjson.encode({ id = "j" .. i, site = i % 2 == 0 and "slow" or "fast", text = text })
    end
    h.write(dir .. "/in.jsonl", table.concat(json, "\n") .. "\n")
    for _, input in ipairs({ dir .. "/in", dir .. "/in.jsonl" }) do
      local cmd = ("%s clean -j 2 -q -r %s/rules --stats %s/stats.json -o %s/out.jsonl %s 2> %s/err & pid=$!; " ..
        "sleep 1.5; kill -INT $pid; wait $pid; echo $?"):format(h.bin, dir, dir, dir, input, dir)
      local p = io.popen("sh -c " .. h.quote(cmd))
      local rc = p:read("a")
      p:close()
      local stats = cjson.decode(h.slurp(dir .. "/stats.json"))
      local err = h.slurp(dir .. "/err")
      local lines = 0
      for line in io.lines(dir .. "/out.jsonl") do
        assert.is_table(cjson.decode(line))
        lines = lines + 1
      end
      assert.are.equal("130\n", rc, input)
      assert.matches("^stet clean: interrupted: 400 read, ", err)
      assert.is_true(stats.interrupted)
      local d = stats.documents
      assert.are.equal(d.read, d.kept + d.duplicate + d.dropped + d.rejected + d.unfinished)
      assert.is_true(d.unfinished > 0)
      assert.are.equal(d.kept, lines)
    end
    h.rmtree(dir)
  end)
end)
