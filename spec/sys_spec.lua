-- spec/sys_spec.lua: the system helpers of core/lua_sys.c: stet.open (with
-- gzip and zstd decompression), stet.listdir, stet.find_files, stet.stat, stet.isatty,
-- stet.clock, stet.cpu_count. Compressed fixtures are made at test time.
local stet = require "stet"
local helpers = require "spec.support.helpers"
local q = helpers.quote

local dir

local function path(name) return dir .. "/" .. name end
local function write(name, s) return helpers.write(path(name), s) end
local sh = helpers.sh

-- Reads a whole reader with blocks of n bytes: data, error.
local function drain(r, n)
  local parts = {}
  while true do
    local chunk, err = r:read(n)
    if chunk == nil then return table.concat(parts), err end
    assert.is_true(#chunk <= n)
    parts[#parts + 1] = chunk
  end
end

-- Runs a Lua snippet in a fresh lua5.4 with the library (the build under
-- test) and stdin from a file; returns its standard output.
local function run_lua(script, stdin_path)
  local cpath = os.getenv("STET_ASAN") and "build/asan/lib/?.so" or "build/lib/?.so"
  local cmd = ("LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='%s;;' lua5.4 -e %s < %s"):format(
    cpath, q(script), q(stdin_path))
  local p = assert(io.popen(cmd))
  local out = p:read("a")
  p:close()
  return out
end

-- About 100 KB of text that does not compress to nothing (a fixed LCG).
local TEXT = (function()
  local words = { "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "news", "report",
                  "said", "on", "Tuesday", "market", "\u{E9}t\u{E9}", "42", "city", "council" }
  local out, x = {}, 12345
  for i = 1, 16000 do
    x = (x * 1103515245 + 12345) % 2147483648
    out[i] = words[x % #words + 1] .. ((x >> 8) % 11 == 0 and ".\n" or " ")
  end
  return table.concat(out)
end)()

setup(function()
  local p = assert(io.popen("mktemp -d"))
  dir = p:read("l")
  p:close()
  write("plain.txt", TEXT)
  sh("gzip -nc " .. q(path("plain.txt")) .. " > " .. q(path("text.gz")))
  sh("zstd -q -c " .. q(path("plain.txt")) .. " > " .. q(path("text.zst")))
  -- concatenated members and frames, as `cat a.gz b.gz` makes
  write("one.txt", "first part\n")
  write("two.txt", "second part\n")
  sh(("(gzip -c %s; gzip -c %s) > %s"):format(q(path("one.txt")), q(path("two.txt")), q(path("multi.gz"))))
  sh(("(zstd -q -c %s; zstd -q -c %s) > %s"):format(q(path("one.txt")), q(path("two.txt")), q(path("multi.zst"))))
  -- gzip data under a name without .gz: chosen by magic bytes
  sh("gzip -c " .. q(path("plain.txt")) .. " > " .. q(path("disguised.txt")))
  sh("head -c 300 " .. q(path("text.gz")) .. " > " .. q(path("truncated.gz")))
  sh("head -c 300 " .. q(path("text.zst")) .. " > " .. q(path("truncated.zst")))
  -- a corrupt deflate stream: valid header, garbage after it
  local gz = io.open(path("text.gz"), "rb"):read("a")
  write("corrupt.gz", gz:sub(1, 10) .. ("\255"):rep(200))
  write("fake.gz", "this is not gzip at all\n")
  write("empty.txt", "")
  sh("mkdir " .. q(path("sub")))
  write("sub/b", "")
  write("sub/a", "")
  write("sub/.hidden", "")
  write("sub/B", "")
  write("sub/a b", "")
  sh("mkdir " .. q(path("sub/dir")))
end)

teardown(function()
  if dir then os.execute("rm -rf " .. q(dir)) end
end)

describe("stet.open", function()
  it("reads a plain file", function()
    local r = assert(stet.open(path("plain.txt")))
    assert.are.equal("plain", r:compression())
    assert.are.equal(TEXT, (drain(r, 1000)))
    assert.is_nil(r:read(10))  -- the end stays the end
    r:close()
  end)

  it("decompresses gzip and zstd, whatever the read size", function()
    for _, name in ipairs({ "text.gz", "text.zst" }) do
      for _, n in ipairs({ 7, 4096, 1 << 20 }) do
        local r = assert(stet.open(path(name)))
        local data, err = drain(r, n)
        assert.is_nil(err)
        assert.are.equal(#TEXT, #data)
        assert.are.equal(TEXT, data)
        r:close()
      end
    end
  end)

  it("reports which decoder the magic bytes chose", function()
    assert.are.equal("gzip", assert(stet.open(path("text.gz"))):compression())
    assert.are.equal("zstd", assert(stet.open(path("text.zst"))):compression())
    assert.are.equal("gzip", assert(stet.open(path("disguised.txt"))):compression())
  end)

  it("decompresses by magic bytes, not by name", function()
    local r = assert(stet.open(path("disguised.txt")))
    assert.are.equal(TEXT, (drain(r, 65536)))
  end)

  it("reads concatenated gzip members and zstd frames as one stream", function()
    assert.are.equal("first part\nsecond part\n", (drain(assert(stet.open(path("multi.gz"))), 5)))
    assert.are.equal("first part\nsecond part\n", (drain(assert(stet.open(path("multi.zst"))), 5)))
  end)

  it("reads an empty file as an immediate end", function()
    local r = assert(stet.open(path("empty.txt")))
    assert.is_nil(r:read(100))
  end)

  it("names the file when it is missing", function()
    local r, err = stet.open(path("missing.txt"))
    assert.is_nil(r)
    assert.are.equal(path("missing.txt") .. ": No such file or directory", err)
  end)

  it("refuses a folder", function()
    local r, err = stet.open(dir)
    assert.is_nil(r)
    assert.are.equal(dir .. ": Is a directory", err)
  end)

  it("refuses a .gz file that is not gzip", function()
    local r, err = stet.open(path("fake.gz"))
    assert.is_nil(r)
    assert.are.equal(path("fake.gz") .. ": not in gzip format", err)
  end)

  for _, c in ipairs({ { "truncated.gz", "truncated gzip data" }, { "truncated.zst", "truncated zstd data" },
                       { "corrupt.gz", "corrupt gzip data" } }) do
    it("hands out the data, then an error naming the file, for " .. c[1], function()
      local r = assert(stet.open(path(c[1])))
      local data, err = drain(r, 1000)
      assert.is_true(#data < #TEXT)
      assert.are.equal(TEXT:sub(1, #data), data)
      assert.is_string(err)
      assert.are.equal(path(c[1]) .. ": ", err:sub(1, #path(c[1]) + 2))
      assert.truthy(err:find(c[2], 1, true), err)
      -- the error is sticky
      local again, err2 = r:read(10)
      assert.is_nil(again)
      assert.are.equal(err, err2)
    end)
  end

  it("closes once and refuses reads after closing", function()
    local r = assert(stet.open(path("plain.txt")))
    assert.is_true(r:close())
    assert.is_true(r:close())
    assert.has_error(function() r:read(10) end, "attempt to use a closed reader")
  end)

  it("checks its arguments", function()
    local r = assert(stet.open(path("plain.txt")))
    assert.has_error(function() r:read(0) end)
    assert.has_error(function() stet.open() end)
  end)

  it("reads standard input for '-', decompressing it too", function()
    local out = run_lua("local s = require 'stet'; local r = assert(s.open('-')); io.write(r:compression(), ' ');" ..
      " while true do local c = r:read(3) if not c then break end io.write(c) end", path("multi.gz"))
    assert.are.equal("gzip first part\nsecond part\n", out)
  end)
end)

describe("stet.find_files", function()
  it("lists regular files under a folder, sorted bytewise by whole path like find | sort", function()
    sh("mkdir -p " .. q(path("tree/a/b")) .. " " .. q(path("tree/a-b")) .. " " .. q(path("tree/e")))
    write("tree/a/b/f", "x")
    write("tree/a-b/g", "x")
    write("tree/a.txt", "x")
    write("tree/e/.hidden", "x")
    sh("ln -s " .. q(path("tree/a")) .. " " .. q(path("tree/dirlink")))
    sh("ln -s " .. q(path("tree/a.txt")) .. " " .. q(path("tree/filelink")))
    sh("mkfifo " .. q(path("tree/fifo")))
    local root = path("tree")
    local want = { root .. "/a-b/g", root .. "/a.txt", root .. "/a/b/f", root .. "/e/.hidden" }
    assert.are.same(want, stet.find_files(root))
    assert.are.same(want, stet.find_files(root .. "/")) -- no doubled slash
    local p = assert(io.popen("find " .. q(root) .. " -type f | LC_ALL=C sort"))
    local found = {}
    for line in p:lines() do found[#found + 1] = line end
    p:close()
    assert.are.same(found, stet.find_files(root))
  end)

  it("gives a file itself, and nothing for a missing path or a link", function()
    assert.are.same({ path("plain.txt") }, stet.find_files(path("plain.txt")))
    assert.are.same({}, stet.find_files(path("nope")))
    sh("ln -sf " .. q(path("sub")) .. " " .. q(path("sublink")))
    assert.are.same({}, stet.find_files(path("sublink")))
  end)
end)

describe("stet.listdir", function()
  it("lists entries sorted bytewise, hidden ones included, without . and ..", function()
    assert.are.same({ ".hidden", "B", "a", "a b", "b", "dir" }, stet.listdir(path("sub")))
  end)
  it("gives kinds and sizes with a stat of each entry, or kinds from the entry types", function()
    local root = path("kinds")
    sh("rm -rf " .. q(root) .. " && mkdir -p " .. q(root .. "/d"))
    helpers.write(root .. "/f.txt", "12345")
    helpers.write(root .. "/e.txt", "")
    sh("ln -s f.txt " .. q(root .. "/link") .. " && ln -s nowhere " .. q(root .. "/dangling")
       .. " && mkfifo " .. q(root .. "/pipe"))
    local names, kinds, sizes = stet.listdir(root, true)
    assert.are.same({ "d", "dangling", "e.txt", "f.txt", "link", "pipe" }, names)
    assert.are.same({ "dir", false, "file", "file", "file", "other" }, kinds)
    assert.are.same(5, sizes[4])
    assert.are.same(0, sizes[3])
    assert.are.same(5, sizes[5])
    -- "kinds": a regular file's size is unknown (-1) unless a link had to
    -- be followed, which takes a stat
    local n2, k2, s2 = stet.listdir(root, "kinds")
    assert.are.same(names, n2)
    assert.are.same(kinds, k2)
    assert.are.same({ 0, 0, -1, -1, 5, 0 }, s2)
  end)
  it("returns nil and a message naming the path", function()
    local t, err = stet.listdir(path("nope"))
    assert.is_nil(t)
    assert.are.equal(path("nope") .. ": No such file or directory", err)
  end)
end)

describe("stet.stat", function()
  it("tells files from folders", function()
    local kind, size = stet.stat(path("plain.txt"))
    assert.are.equal("file", kind)
    assert.are.equal(#TEXT, size)
    assert.are.equal("dir", (stet.stat(path("sub"))))
    assert.are.equal("other", (stet.stat("/dev/null")))
  end)
  it("gives an identity that is equal for the same file", function()
    local _, _, a = stet.stat(path("sub"))
    local _, _, b = stet.stat(path("sub/dir/.."))
    local _, _, c = stet.stat(path("sub/dir"))
    assert.are.equal(a, b)
    assert.are_not.equal(a, c)
    -- files have one too (stet clean compares its outputs with its inputs)
    local _, _, f = stet.stat(path("plain.txt"))
    local _, _, g = stet.stat(path("sub/../plain.txt"))
    assert.matches("^%d+:%d+$", f)
    assert.are.equal(f, g)
    assert.are_not.equal(f, a)
  end)
  it("returns nil and a message for a missing path", function()
    local kind, err = stet.stat(path("nope"))
    assert.is_nil(kind)
    assert.are.equal(path("nope") .. ": No such file or directory", err)
  end)
end)

describe("stet.clock, stet.isatty, stet.cpu_count", function()
  it("clock is monotonic and counts seconds", function()
    local a = stet.clock()
    assert.are.equal("float", math.type(a))
    local b = a
    for _ = 1, 1000 do
      local c = stet.clock()
      assert.is_true(c >= b)
      b = c
    end
    sh("sleep 0.2")
    local d = stet.clock() - a
    assert.is_true(d >= 0.15 and d < 5, tostring(d))
  end)
  it("isatty is false for a file and for bad descriptors", function()
    assert.are.equal("false", run_lua("io.write(tostring(require('stet').isatty(0)))", path("plain.txt")))
    assert.is_false(stet.isatty(-1))
    assert.is_false(stet.isatty(12345))
    assert.is_boolean(stet.isatty(0))
  end)
  it("cpu_count is a positive integer", function()
    local n = stet.cpu_count()
    assert.are.equal("integer", math.type(n))
    assert.is_true(n >= 1)
  end)
end)

describe("stet._input_size (the progress line's total)", function()
  it("adds up the files of folders, skips hidden names, and gives nil when it cannot know cheaply", function()
    local root = helpers.tree({ ["a/x.txt"] = "12345", ["a/b/y.txt"] = "123", ["a/.hidden"] = "1234567890",
                         ["z.gz"] = "not really", ["big/0.txt"] = "" })
    assert.are.equal(8, stet._input_size({ root .. "/a" }))
    assert.are.equal(13, stet._input_size({ root .. "/a", root .. "/a/x.txt" }))
    assert.is_nil(stet._input_size({ root .. "/a", "-" }))          -- standard input
    assert.is_nil(stet._input_size({ root .. "/z.gz" }))            -- compressed
    assert.is_nil(stet._input_size({ root .. "/missing" }))
    -- past its time (none here) it gives up, whatever it found so far
    for i = 1, 1100 do helpers.write(("%s/big/%d.txt"):format(root, i), "x") end
    assert.are.equal(1100, stet._input_size({ root .. "/big" }))
    assert.is_nil(stet._input_size({ root .. "/big" }, 0))
    helpers.rmtree(root)
  end)
end)
