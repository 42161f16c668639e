-- spec/write_errors_spec.lua: output that cannot be written (a full disk)
-- stops a command with exit 2 and one line saying what could not be
-- written; nothing reports success over lost records. A file written by
-- renaming a temporary one into place is written straight when its path
-- is a device or a pipe, which a rename would replace, and through a
-- symbolic link, never over it.
local stet = require "stet"
local h = require "spec.support.helpers"

-- Runs a shell command line; returns its stdout and exit code.
local function sh(cmd)
  local p = io.popen(cmd)
  local out = p:read("a")
  local _, _, code = p:close()
  return out, code
end

-- The host with arguments, under a file size limit of `blocks` (SIGXFSZ
-- ignored, so that a write past it fails with EFBIG as a full disk fails
-- with ENOSPC).
local function limited(blocks, args)
  local parts = { h.quote(h.bin) }
  for _, a in ipairs(args) do parts[#parts + 1] = h.quote(a) end
  return sh(("sh -c %s 2>&1"):format(h.quote(("trap '' XFSZ; ulimit -f %d; exec %s"):format(blocks,
    table.concat(parts, " ")))))
end

local CORPUS = "examples/corpus"

describe("stet clean, when the output cannot be written", function()
  it("stops with exit 2 and names the output, whatever the path records take", function()
    for _, format in ipairs({ "jsonl", "text", "markdown", "csv" }) do
      for _, j in ipairs({ "1", "2" }) do
        for _, lane in ipairs({ "0", "1" }) do
          local _, err, code = h.run({ "clean", "-q", "-j", j, "-f", format, "-o", "/dev/full", CORPUS }, nil,
            { STET_LANE = lane })
          local what = ("%s -j %s lane %s"):format(format, j, lane)
          assert.are.equal(2, code, what .. ": " .. err)
          assert.are.equal("stet clean: writing /dev/full: No space left on device\n", err, what)
        end
      end
    end
  end)

  it("says standard output when that is full", function()
    for _, j in ipairs({ "1", "2" }) do
      local out, code = sh(("%s clean -q -j %s %s 2>&1 > /dev/full"):format(h.quote(h.bin), j, CORPUS))
      assert.are.equal(2, code, out)
      assert.are.equal("stet clean: writing standard output: No space left on device\n", out)
    end
  end)

  it("stops with exit 2 when the stats or rejects file cannot be written", function()
    local _, err, code = h.run({ "clean", "-q", "-o", "/dev/null", "--stats", "/dev/full", CORPUS })
    assert.are.equal(2, code, err)
    assert.are.equal("stet clean: writing /dev/full: No space left on device\n", err)
    local bad = h.tempfile('{"id":"a","text":"One paragraph here."}\nnot json\n', ".jsonl")
    _, err, code = h.run({ "clean", "-q", "-o", "/dev/null", "--rejects", "/dev/full", bad })
    os.remove(bad)
    assert.are.equal(2, code, err)
    assert.matches("^stet clean: writing [^\n]*: No space left on device\n$", err)
  end)
end)

describe("a file that cannot be made", function()
  it("stops the command before its work, not after", function()
    local dir = h.tree({})
    local missing = dir .. "/no/such/folder"
    -- stet clean: the stats file is opened first, so the output is not even made
    local _, err, code = h.run({ "clean", "-q", "-o", dir .. "/out.jsonl", "--stats", missing .. "/s.json",
      CORPUS })
    assert.are.equal(2, code)
    assert.are.equal("stet clean: cannot write stats file " .. missing .. "/s.json: No such file or directory\n",
      err)
    assert.is_nil(h.slurp(dir .. "/out.jsonl"))
    -- stet hash and stet signatures try their PATH.tmp first: the input's
    -- own error (a missing file) would come out if they worked first
    for _, cmd in ipairs({ { "hash", "-o", missing .. "/t.tbl", dir .. "/gone.txt", CORPUS },
                           { "signatures", "--shard", "0", "-o", missing .. "/t.sig", dir .. "/gone.txt", CORPUS } }) do
      _, err, code = h.run(cmd)
      assert.are.equal(2, code, err)
      assert.are.equal(("stet %s: cannot write %s.tmp: No such file or directory\n"):format(cmd[1], cmd[cmd[1] == "hash"
        and 3 or 5]), err)
    end
    h.rmtree(dir)
  end)
end)

describe("stet normalize and stet segment, when standard output is full", function()
  it("stop with exit 2 and say it is the writing that failed", function()
    local out, code = sh(("%s normalize %s/axios/a01-rail-safety.txt 2>&1 > /dev/full"):format(h.quote(h.bin), CORPUS))
    assert.are.equal(2, code, out)
    assert.are.equal("stet normalize: writing standard output: No space left on device\n", out)
    -- segment goes on past a file it cannot read, not past a full output
    out, code = sh(("%s segment --by word %s/axios/a01-rail-safety.txt %s/axios/a01-rail-safety-scrape2.txt 2>&1 > /dev/full"):format(h.quote(h.bin),
      CORPUS, CORPUS))
    assert.are.equal(2, code, out)
    assert.are.equal("stet segment: writing standard output: No space left on device\n", out)
  end)
end)

describe("files renamed into place", function()
  local dir
  before_each(function() dir = h.tree({}) end)
  after_each(function() h.rmtree(dir) end)

  -- The table of the corpus, written to a plain file: what the others must hold.
  local function want_table()
    local want = dir .. "/want.tbl"
    local _, err, code = h.run({ "hash", "-q", "-o", want, CORPUS })
    assert.are.equal(0, code, err)
    return want
  end

  it("fail with exit 2 and leave neither the file nor its temporary when a write fails", function()
    for _, case in ipairs({
      { "hash", "-o", "T", CORPUS },
      { "signatures", "--shard", "0", "-o", "T", CORPUS },
    }) do
      local args, target = {}, dir .. "/" .. case[1] .. ".out"
      for i, a in ipairs(case) do args[i] = a == "T" and target or a end
      local out, code = limited(2, args)
      assert.are.equal(2, code, out)
      assert.matches("cannot write " .. target:gsub("%p", "%%%0") .. "[^\n]*: File too large", out)
      assert.is_nil(h.slurp(target))
      assert.is_nil(h.slurp(target .. ".tmp"))
    end
  end)

  it("are written to the file a link leads to, and the link stays a link", function()
    local want = want_table()
    local _, err, code
    h.sh("mkdir " .. h.quote(dir .. "/real"))
    local function kind(path) return (stet.stat(path, true)) end
    for _, cmd in ipairs({ "hash", "merge" }) do
      local link, real = dir .. "/" .. cmd .. ".tbl", dir .. "/real/" .. cmd .. ".tbl"
      h.write(real, "old")
      h.sh(("ln -s real/%s.tbl %s"):format(cmd, h.quote(link)))
      _, err, code = h.run({ cmd, "-o", link, cmd == "merge" and want or CORPUS })
      assert.are.equal(0, code, err)
      assert.are.equal("link", kind(link))
      assert.are.equal(h.slurp(want), h.slurp(real))
      assert.is_nil(h.slurp(real .. ".tmp"))
      -- a link leading nowhere: its target is made
      local dangling = dir .. "/" .. cmd .. "-new.tbl"
      h.sh(("ln -s real/%s-new.tbl %s"):format(cmd, h.quote(dangling)))
      _, err, code = h.run({ cmd, "-o", dangling, cmd == "merge" and want or CORPUS })
      assert.are.equal(0, code, err)
      assert.are.equal("link", kind(dangling))
      assert.are.equal(h.slurp(want), h.slurp(dir .. "/real/" .. cmd .. "-new.tbl"))
    end
    -- a signature file too
    local sig, link = dir .. "/real/a.sig", dir .. "/a.sig"
    h.sh(("ln -s real/a.sig %s"):format(h.quote(link)))
    _, err, code = h.run({ "signatures", "--shard", "0", "-o", link, CORPUS })
    assert.are.equal(0, code, err)
    assert.are.equal("link", kind(link))
    assert.matches("^STETSIG3\n", h.slurp(sig))
  end)

  it("go where a link through /proc (/dev/stdout) sends them, as the shell opened the file", function()
    local want = want_table()
    -- a link of our own to /proc/self/fd/1, as /dev/stdout is: a rename
    -- over it would replace the link (as root, /dev/stdout itself)
    local out = dir .. "/stdout"
    h.sh("ln -s /proc/self/fd/1 " .. h.quote(out))
    local function run(cmd, redirect)
      local _, c = sh(("%s %s -q -o %s %s %s 2>&1"):format(h.quote(h.bin), cmd, h.quote(out),
        h.quote(cmd == "merge" and want or CORPUS), redirect))
      return c
    end
    for _, cmd in ipairs({ "hash", "merge" }) do
      local file = dir .. "/" .. cmd .. ".out"
      assert.are.equal(0, run(cmd, "> " .. h.quote(file)))
      assert.are.equal("link", (stet.stat(out, true)))
      assert.are.equal(h.slurp(want), h.slurp(file))
      -- >> appends, as it says
      h.write(file, "log\n")
      assert.are.equal(0, run(cmd, ">> " .. h.quote(file)))
      assert.are.equal("log\n" .. h.slurp(want), h.slurp(file))
      -- into a pipe, read by stet merge from standard input
      local _, c = sh(("%s %s -q -o %s %s | %s merge -q -o %s - 2>&1"):format(h.quote(h.bin), cmd,
        h.quote(out), h.quote(cmd == "merge" and want or CORPUS), h.quote(h.bin), h.quote(file)))
      assert.are.equal(0, c)
      assert.are.equal(h.slurp(want), h.slurp(file))
    end
    -- stet clean's stats, when the run fails, are taken back only from a
    -- file of their own: the link stays
    local _, c = sh(("%s clean -q -o /dev/full --stats %s %s > %s 2>&1"):format(h.quote(h.bin), h.quote(out),
      CORPUS, h.quote(dir .. "/s.json")))
    assert.are.equal(2, c)
    assert.are.equal("link", (stet.stat(out, true)))
  end)

  it("named -, /dev/stdout or /dev/stderr are written through the descriptor, between what the shell writes", function()
    local want = want_table()
    local wsig = dir .. "/want.sig"
    assert.are.equal(0, select(3, h.run({ "signatures", "-q", "--shard", "1", "-o", wsig, CORPUS })))
    local stats = dir .. "/s.json"
    assert.are.equal(0, select(3, h.run({ "clean", "-q", "-o", "/dev/null", "--stats", stats, CORPUS })))
    local function untimed(s) return (s:gsub('"seconds": [^,]*', "")) end
    -- opened again, /dev/stdout would write at an offset of its own, and
    -- the shell's "after" would land over the start of the table
    for _, case in ipairs({
      { "hash -q -o %s " .. CORPUS, h.slurp(want) },
      { "merge -q -o %s " .. h.quote(want), h.slurp(want) },
      { "signatures -q --shard 1 -o %s " .. CORPUS, h.slurp(wsig) },
      { "clean -q -o /dev/null --stats %s " .. CORPUS, untimed(h.slurp(stats)) },
    }) do
      for _, name in ipairs({ "-", "/dev/stdout", "/dev/stderr" }) do
        local cmd = h.quote(h.bin) .. " " .. case[1]:format(name)
        if name == "/dev/stderr" then cmd = cmd .. " 2>&1" end
        local out = dir .. "/out"
        local _, code = sh(("(echo before; %s; echo after) > %s"):format(cmd, h.quote(out)))
        assert.are.equal(0, code, cmd)
        assert.are.equal("before\n" .. case[2] .. "after\n", untimed(h.slurp(out)), cmd)
      end
    end
  end)

  it("are written straight into a pipe, which stays a pipe", function()
    local want = want_table()
    for _, cmd in ipairs({ { "hash" }, { "merge" } }) do
      local fifo, got = dir .. "/pipe", dir .. "/got.tbl"
      h.sh("mkfifo " .. h.quote(fifo))
      -- a reader on the other end (it gives up after 20 s, so a pipe
      -- replaced by a file cannot hang the spec)
      h.sh(("(timeout 20 cat %s > %s &)"):format(h.quote(fifo), h.quote(got)))
      local args = { cmd[1], "-o", fifo, cmd[1] == "merge" and want or CORPUS }
      local _, err, code = h.run(args)
      assert.are.equal(0, code, err)
      assert.are.equal("other", (stet.stat(fifo)))
      -- the reader has the whole table once the writer has closed its end
      local deadline = os.time() + 20
      while h.slurp(got) ~= h.slurp(want) and os.time() < deadline do os.execute("sleep 0.05") end
      assert.are.equal(h.slurp(want), h.slurp(got))
      os.remove(fifo)
      os.remove(got)
    end
  end)
end)
