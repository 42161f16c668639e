-- spec/spill_spec.lua: where `stet clean` keeps its documents between the
-- passes (core/spill.c): a nameless file in --tmp-dir, $TMPDIR or /tmp, and
-- a clear error, exit 2, when that folder is missing or fills up.
local stet = require "stet"
local h = require "spec.support.helpers"

-- The targets of this process's open descriptors that lie in dir.
local function open_in(dir)
  local f = assert(io.open("/proc/self/stat")) -- read in this process: its own pid
  local pid = f:read("l"):match("^(%d+)")
  f:close()
  local found = {}
  local p = io.popen("ls -l /proc/" .. pid .. "/fd 2>/dev/null")
  for line in p:lines() do
    local target = line:match(" %-> (.*)$")
    if target and target:sub(1, #dir + 1) == dir .. "/" then found[#found + 1] = target end
  end
  p:close()
  return found
end

describe("stet._spill", function()
  local dir
  before_each(function() dir = h.tree({}) end)
  after_each(function() h.rmtree(dir) end)

  it("makes a nameless file in the folder it is given, gone when closed", function()
    assert.are.same({}, open_in(dir))
    local sp = stet._spill(dir)
    assert.are.equal(dir, sp:dir())
    assert.are.equal(0, stet._spill_append(sp, ("x"):rep(10000)))
    local open = open_in(dir)
    assert.are.equal(1, #open)
    assert.matches("%(deleted%)$", open[1]) -- no name in the folder
    local p = io.popen("ls -A " .. h.quote(dir))
    assert.are.equal("", p:read("a"))
    p:close()
    sp:close()
    assert.are.same({}, open_in(dir))
  end)

  it("names the folder when it cannot make the file there", function()
    local ok, err = pcall(stet._spill, dir .. "/missing")
    assert.is_false(ok)
    assert.matches("the spill file in " .. dir:gsub("%p", "%%%0") .. "/missing: No such file or directory", err)
  end)

  it("keeps nothing when asked to discard (stet signatures): offsets as a file's, no file, reads refused", function()
    local before = #open_in("/tmp")
    local sp = stet._spill(dir, true)
    assert.are.equal(0, stet._spill_append(sp, ("x"):rep(10000)))
    assert.are.equal(10000, stet._spill_append(sp, "abc"))
    assert.are.equal(10003, sp:size())
    assert.are.same({}, open_in(dir))
    assert.are.equal(before, #open_in("/tmp"))
    local ok = pcall(stet._doc_unspill, sp, 0, 3)
    assert.is_false(ok)
    sp:close()
  end)

  it("takes $TMPDIR, else /tmp, without a folder", function()
    local sp = stet._spill()
    local want = os.getenv("TMPDIR")
    if not want or want == "" then want = "/tmp" end
    assert.are.equal(want, sp:dir())
    sp:close()
  end)
end)

describe("stet clean --tmp-dir", function()
  local dir, tmp, corpus
  before_each(function()
    tmp = h.tree({})
    -- three documents of about 60 KB each (a spill over 16 KiB)
    local files = {}
    for i = 1, 3 do
      local paras = {}
      for k = 1, 300 do paras[k] = ("Paragraph %d of story %d says something plain and long enough."):format(k, i) end
      files[("site/%d.txt"):format(i)] = table.concat(paras, "\n\n") .. "\n"
    end
    dir = h.tree(files)
    corpus = h.tree({ ["c.jsonl"] = table.concat({
      '{"id":"a","text":"' .. ("A line of words. "):rep(2000) .. '"}',
      '{"id":"b","text":"' .. ("Another line here. "):rep(2000) .. '"}' }, "\n") .. "\n" })
  end)
  after_each(function()
    h.rmtree(dir)
    h.rmtree(tmp)
    h.rmtree(corpus)
  end)

  it("puts the spill file in DIR, over $TMPDIR, and leaves nothing there", function()
    local want = h.run({ "clean", "-q", "-j", "1", dir })
    for _, j in ipairs({ "1", "2" }) do
      local out, err, code = h.run({ "clean", "-q", "-j", j, "--tmp-dir", tmp, dir }, nil,
        { TMPDIR = tmp .. "/missing" })
      assert.are.equal(0, code, err)
      assert.are.equal(want, out)
    end
    local p = io.popen("ls -A " .. h.quote(tmp))
    assert.are.equal("", p:read("a"))
    p:close()
  end)

  it("fails with exit 2 and a line naming the folder when it is missing", function()
    local _, err, code = h.run({ "clean", "-q", "--tmp-dir", tmp .. "/missing", dir })
    assert.are.equal(2, code)
    assert.are.equal("stet clean: the spill file in " .. tmp .. "/missing: No such file or directory " ..
      "(it holds every document between the two passes, about the input's size: --tmp-dir DIR or TMPDIR " ..
      "puts it in a folder with room)\n", err)
    _, err, code = h.run({ "clean", "-q", dir }, nil, { TMPDIR = tmp .. "/gone" })
    assert.are.equal(2, code)
    assert.matches("^stet clean: the spill file in " .. (tmp .. "/gone"):gsub("%p", "%%%0") .. ": No such file", err)
  end)

  it("fails with exit 2 and one line, from any thread, when the spill file cannot grow", function()
    -- a file size limit stands for a full disk: writes past 16 KiB fail
    -- with EFBIG (SIGXFSZ ignored, as a full disk sends no signal)
    for _, input in ipairs({ dir, corpus .. "/c.jsonl" }) do
      for _, j in ipairs({ "1", "2" }) do
        local cmd = ("trap '' XFSZ; ulimit -f 16; exec %s clean -q -j %s --tmp-dir %s -o /dev/null %s 2>&1")
          :format(h.quote(h.bin), j, h.quote(tmp), h.quote(input))
        local p = io.popen("sh -c " .. h.quote(cmd))
        local err = p:read("a")
        local _, _, code = p:close()
        assert.are.equal(2, code, err)
        assert.are.equal("stet clean: the spill file in " .. tmp .. ": File too large (it holds every document " ..
          "between the two passes, about the input's size: --tmp-dir DIR or TMPDIR puts it in a folder with room)\n",
          err)
      end
    end
  end)
end)
