-- spec/sink_spec.lua: a worker leaves a batch's records in a sink of its
-- own, which the main thread writes out and lets go (sink:hold,
-- stet._sink_send, stet._sink_drop); the worker fills again only a sink let
-- go. With many batches in flight, the records come out as with -j 1.
local stet = require "stet"
local h = require "spec.support.helpers"

describe("held sinks", function()
  local dir
  before_each(function() dir = h.tree({}) end)
  after_each(function() h.rmtree(dir) end)

  it("are written to a file by address, then let go", function()
    local sink = stet._sink()
    assert.is_false(sink:held())
    sink:put("first record\n")
    sink:put("second record\n")
    local at = sink:hold()
    assert.is_true(sink:held())
    local path = dir .. "/out.txt"
    local f = assert(io.open(path, "wb"))
    f:write("header\n") -- buffered: flushed before the sink's bytes
    stet._sink_send(at, f)
    f:close()
    assert.are.equal("header\nfirst record\nsecond record\n", h.slurp(path))
    assert.is_false(sink:held())
    -- let go: sending it again is refused
    assert.has_error(function() stet._sink_send(at, io.stdout) end)
  end)

  it("keep the room asked for when cleared, and let more go", function()
    local sink = stet._sink()
    sink:put(("x"):rep(100000))
    sink:clear(1 << 20)
    assert.are.equal(0, sink:len())
    sink:put("y")
    assert.are.equal("y", sink:string())
    sink:clear(10) -- the room of 100,000 bytes goes (the ASan run sees a use after it)
    sink:put("z")
    assert.are.equal("z", sink:string())
  end)

  it("are let go unwritten by stet._sink_drop", function()
    local sink = stet._sink()
    sink:put("never written")
    local at = sink:hold()
    stet._sink_drop(at)
    assert.is_false(sink:held())
    assert.has_error(function() stet._sink_drop(at) end)
    assert.has_error(function() stet._sink_drop(0) end)
  end)

  it("are let go when the write fails, with the reason", function()
    local sink = stet._sink()
    sink:put(("x"):rep(100000))
    local at = sink:hold()
    local f = assert(io.open("/dev/full", "wb"))
    local ok, err = pcall(stet._sink_send, at, f)
    f:close()
    assert.is_false(ok)
    assert.matches("writing the output: No space left on device", err)
    assert.is_false(sink:held())
  end)
end)

describe("stet clean -j N with many batches of records in flight", function()
  it("writes the records of -j 1, in order", function()
    -- 6,000 short documents: 24 batches of pass 2, more than the workers'
    -- sinks in flight, so every sink is filled again after a write
    local words = { "harbor", "council", "rail", "budget", "river", "school", "market", "storm", "vote", "bridge",
                    "museum", "court", "farm", "clinic", "port", "mayor" }
    local x = 12345
    local function word()
      x = (x * 1103515245 + 12345) % 2147483648
      return words[(x >> 16) % #words + 1]
    end
    local lines = {}
    for i = 1, 6000 do
      local a, b = {}, {}
      for k = 1, 6 do a[k], b[k] = word(), word() end
      lines[i] = ('{"id":"d%d","site":"s%d","text":"%s.\\n\\n%s."}'):format(i, i % 7, table.concat(a, " "),
        table.concat(b, " "))
    end
    local path = h.tempfile(table.concat(lines, "\n") .. "\n", ".jsonl")
    local one, err, code = h.run({ "clean", "-q", "-j", "1", "--near", "0", "--boilerplate", "0", path })
    assert.are.equal(0, code, err)
    assert.is_true(select(2, one:gsub("\n", "")) > 5000)
    for _, j in ipairs({ "2", "3" }) do
      local many
      many, err, code = h.run({ "clean", "-q", "-j", j, "--near", "0", "--boilerplate", "0", path })
      assert.are.equal(0, code, err)
      assert.is_true(one == many, "records differ with -j " .. j)
    end
    os.remove(path)
  end)
end)
