-- spec/readers_spec.lua: stet.readers, from paths to raw documents and rejects.
-- Fixtures (including the compressed ones) are made at test time.
local stet = require "stet"
local readers = require "stet.readers"
local helpers = require "spec.support.helpers"
local q = helpers.quote

local dir

local function path(name) return dir .. "/" .. name end
local function write(name, s) return helpers.write(path(name), s) end
local sh = helpers.sh

local function mkdir(name) sh("mkdir -p " .. q(path(name))) end

-- Everything an iterator yields, as an array.
local function collect(paths, opts)
  local out = {}
  for doc in readers.each(paths, opts) do out[#out + 1] = doc end
  return out
end

local function ids(docs)
  local t = {}
  for i, d in ipairs(docs) do t[i] = d.id end
  return t
end

setup(function()
  local p = assert(io.popen("mktemp -d"))
  dir = p:read("l")
  p:close()
end)

teardown(function()
  if dir then os.execute("rm -rf " .. q(dir)) end
end)

describe("readers: plain text", function()
  it("reads a file given directly as one document", function()
    local file = write("story.txt", "Jun 7, 2017\nHeadline\n\nBody.\n")
    local docs = collect({ file })
    assert.are.equal(1, #docs)
    assert.are.same({ id = file, source = file, text = "Jun 7, 2017\nHeadline\n\nBody.\n", bytes = 28,
                      meta = {}, folder = readers.site_of_path(file) }, docs[1])
  end)

  it("accepts a single path as a string", function()
    local file = write("single.txt", "x")
    assert.are.equal("x", collect(file)[1].text)
  end)

  it("keeps invalid UTF-8 and CRLF for the normalizer", function()
    local file = write("latin1.txt", "caf\233\r\nna\239ve\r\n")
    local docs = collect({ file })
    assert.is_nil(docs[1].reject)
    assert.are.equal("caf\233\r\nna\239ve\r\n", docs[1].text)
  end)

  it("rejects a binary file", function()
    local file = write("image.txt", "\137PNG\r\n\26\n\0\0\0\13IHDR")
    assert.are.same({ { reject = "binary file", source = file, id = file } }, collect({ file }))
  end)

  it("rejects a missing file, naming it, and goes on", function()
    local ok = write("ok.txt", "fine")
    local docs = collect({ path("missing.txt"), ok })
    assert.are.equal(2, #docs)
    assert.are.equal(path("missing.txt") .. ": No such file or directory", docs[1].reject)
    assert.are.equal(path("missing.txt"), docs[1].source)
    assert.are.equal("fine", docs[2].text)
  end)
end)

describe("readers: folders", function()
  local root
  setup(function()
    mkdir("corpus/axios")
    mkdir("corpus/a")
    mkdir("corpus/.git")
    mkdir("corpus/empty")
    write("corpus/axios/0002.txt", "two")
    write("corpus/axios/0001.txt", "one")
    write("corpus/axios/0010.txt", "ten")
    write("corpus/a/x.txt", "ax")
    write("corpus/B.txt", "upper B")
    write("corpus/b.txt", "lower b")
    write("corpus/.hidden.txt", "hidden")
    write("corpus/.git/HEAD", "hidden folder")
    write("corpus/feed.jsonl", '{"text":"l1"}\n{"text":"l2"}\n')
    write("corpus/c.txt", "c")
    sh("gzip -c " .. q(path("corpus/c.txt")) .. " > " .. q(path("corpus/c.txt.gz")))
    os.remove(path("corpus/c.txt"))
    sh("ln -s " .. q(path("corpus")) .. " " .. q(path("corpus/a/loop")))
    root = path("corpus")
  end)

  it("walks recursively in bytewise order, skipping hidden entries", function()
    local docs = collect({ root })
    assert.are.same({ "B", "a/x", "axios/0001", "axios/0002", "axios/0010", "b", "c", "feed:1", "feed:2" },
      ids(docs))
    assert.are.equal(root .. "/axios/0001.txt", docs[3].source)
    assert.are.equal("one", docs[3].text)
    assert.are.equal("c", docs[7].text)  -- decompressed
    assert.are.equal(root .. "/c.txt.gz", docs[7].source)
  end)

  it("builds the same sources with a trailing slash", function()
    local docs = collect({ root .. "/" })
    assert.are.equal(root .. "/axios/0001.txt", docs[3].source)
    assert.are.equal("axios/0001", docs[3].id)
  end)

  it("gives the same order on every run", function()
    assert.are.same(collect({ root }), collect({ root }))
  end)

  it("names the folder holding each file", function()
    local docs = collect({ root })
    assert.are.equal("corpus", docs[1].folder)
    assert.are.equal("a", docs[2].folder)
    assert.are.equal("axios", docs[3].folder)
  end)

  it("reads paths in the order given", function()
    local docs = collect({ root .. "/b.txt", root .. "/axios" })
    assert.are.same({ root .. "/b.txt", "0001", "0002", "0010" }, ids(docs))
    assert.are.equal("axios", docs[2].folder)
  end)

  it("site_of_path returns the folder holding the file", function()
    assert.are.equal("axios", readers.site_of_path("corpus/axios/0001.txt", "corpus"))
    assert.are.equal("axios", readers.site_of_path("/data/axios/0001.txt"))
    assert.are.equal("axios", readers.site_of_path("0001.txt", "corpus/axios/"))
    assert.is_nil(readers.site_of_path("0001.txt"))
    assert.is_nil(readers.site_of_path("./0001.txt"))
    assert.is_nil(readers.site_of_path("-"))
  end)
end)

describe("readers: JSON Lines", function()
  it("takes text, id, url, site, title, date and keeps the rest in meta", function()
    local line1 = '{"id":"a1","text":"First.","url":"https://axios.com/x","site":"axios","title":"T",' ..
      '"date":"2017-06-07","author":"Jane","tags":["a","b"],"n":3}'
    local file = write("feed.jsonl", table.concat({
      line1,
      '{"id":7,"text":"Second.","title":null,"date":20170607}',
      '{"text":"Third.","extra":{"k":true}}',
    }, "\n") .. "\n")
    local docs = collect({ file })
    assert.are.equal(3, #docs)
    assert.are.same({ id = "a1", source = file, line = 1, text = "First.", url = "https://axios.com/x",
                      site = "axios", title = "T", date = "2017-06-07", bytes = #line1,
                      meta = { author = "Jane", tags = { "a", "b" }, n = 3 },
                      folder = readers.site_of_path(file) }, docs[1])
    assert.are.equal("7", docs[2].id)
    assert.is_nil(docs[2].title)
    assert.is_nil(docs[2].date)
    assert.are.same({ date = 20170607 }, docs[2].meta)
    assert.are.equal(file .. ":3", docs[3].id)
    assert.are.equal(3, docs[3].line)
    assert.are.same({ extra = { k = true } }, docs[3].meta)
  end)

  it("uses the relative path in a folder for ids without an id field", function()
    mkdir("jl/sub")
    write("jl/sub/feed.ndjson", '{"text":"a"}\n{"text":"b"}\n')
    assert.are.same({ "sub/feed:1", "sub/feed:2" }, ids(collect({ path("jl") })))
  end)

  it("reads the text from text_field", function()
    local file = write("body.jsonl", '{"body":"Story.","text":"not this"}\n{"text":"no body"}\n')
    local docs = collect({ file }, { text_field = "body" })
    assert.are.equal("Story.", docs[1].text)
    assert.are.equal("not this", docs[1].meta.text)
    assert.are.equal("missing text field 'body'", docs[2].reject)
  end)

  it("rejects exactly the malformed line in the middle and goes on", function()
    local file = write("broken.jsonl", table.concat({
      '{"text":"one"}', '{"text":"two"}', '{"text": "three", oops}', '{"text":"four"}', '{"text":"five"}',
    }, "\n") .. "\n")
    local docs = collect({ file })
    assert.are.equal(5, #docs)
    assert.are.same({ "one", "two" }, { docs[1].text, docs[2].text })
    local r = docs[3]
    assert.are.equal(file, r.source)
    assert.are.equal(3, r.line)
    assert.are.equal('{"text": "three", oops}', r.raw)
    assert.are.equal(file .. ":3", r.id)
    assert.truthy(r.reject:find("^invalid JSON"), r.reject)
    assert.is_nil(r.text)
    assert.are.same({ "four", "five" }, { docs[4].text, docs[5].text })
    assert.are.same({ 4, 5 }, { docs[4].line, docs[5].line })
  end)

  it("rejects lines without a string text, and non-objects", function()
    local file = write("bad.jsonl", table.concat({
      '{"id":"x","title":"no text"}', '{"text":42}', '{"text":null}', '[1,2]', '"just a string"',
      '{"text":"ok"} trailing', '{"text":NaN}', '{"text":"fine"}',
    }, "\n"))
    local docs = collect({ file })
    local reasons = {}
    for i, d in ipairs(docs) do reasons[i] = d.reject or d.text end
    assert.are.equal(8, #docs)
    assert.are.equal("missing text field 'text'", reasons[1])
    assert.are.equal("x", docs[1].id)  -- the best id
    assert.are.equal("text field 'text' is not a string", reasons[2])
    assert.are.equal("missing text field 'text'", reasons[3])
    assert.are.equal("not a JSON object", reasons[4])
    assert.are.equal("not a JSON object", reasons[5])
    assert.truthy(reasons[6]:find("^invalid JSON"))
    assert.truthy(reasons[7]:find("^invalid JSON"))
    assert.are.equal("fine", reasons[8])  -- a last line without a newline
  end)

  it("skips blank lines, strips CR and a BOM, counting physical lines", function()
    local file = write("crlf.jsonl", '\239\187\191{"text":"a"}\r\n\r\n   \n{"text":"b"}\r\n')
    local docs = collect({ file })
    assert.are.same({ "a", "b" }, { docs[1].text, docs[2].text })
    assert.are.same({ 1, 4 }, { docs[1].line, docs[2].line })
  end)

  it("assembles lines that span many read blocks", function()
    local long = ("x"):rep(1000)
    local file = write("long.jsonl", '{"text":"' .. long .. '"}\n{"text":"s"}\n{"text":"' .. long .. '"}')
    local docs = collect({ file }, { block = 16 })
    assert.are.equal(3, #docs)
    assert.are.same({ long, "s", long }, { docs[1].text, docs[2].text, docs[3].text })
  end)
end)

describe("readers: compressed files", function()
  setup(function()
    write("z.jsonl", '{"text":"alpha"}\n{"text":"beta"}\n')
    write("z.txt", "plain story\n")
    for _, name in ipairs({ "z.jsonl", "z.txt" }) do
      sh("gzip -nc " .. q(path(name)) .. " > " .. q(path(name .. ".gz")))
      sh("zstd -q -c " .. q(path(name)) .. " > " .. q(path(name .. ".zst")))
    end
  end)

  it("reads .jsonl.gz and .jsonl.zst as JSON Lines", function()
    for _, ext in ipairs({ ".gz", ".zst" }) do
      local docs = collect({ path("z.jsonl" .. ext) })
      assert.are.same({ "alpha", "beta" }, { docs[1].text, docs[2].text })
      assert.are.equal(path("z.jsonl" .. ext) .. ":2", docs[2].id)
    end
  end)

  it("reads .txt.gz and .zst as text", function()
    assert.are.equal("plain story\n", collect({ path("z.txt.gz") })[1].text)
    assert.are.equal("plain story\n", collect({ path("z.txt.zst") })[1].text)
  end)

  it("rejects a truncated .gz text file, naming the file", function()
    local big = {}
    for i = 1, 3000 do big[i] = ("line %d %x\n"):format(i, i * 7919) end
    write("big.txt", table.concat(big))
    sh("gzip -nc " .. q(path("big.txt")) .. " | head -c 2000 > " .. q(path("cut.txt.gz")))
    local docs = collect({ path("cut.txt.gz"), path("z.txt") })
    assert.are.equal(2, #docs)
    assert.are.equal(path("cut.txt.gz") .. ": truncated gzip data (unexpected end of file)", docs[1].reject)
    assert.are.equal(path("cut.txt.gz"), docs[1].source)
    assert.are.equal("plain story\n", docs[2].text)
  end)

  it("keeps the complete lines of a truncated .jsonl.gz, then rejects the rest", function()
    local lines = {}
    for i = 1, 3000 do lines[i] = ('{"id":%d,"text":"%x"}'):format(i, i * 7919) end
    write("big.jsonl", table.concat(lines, "\n") .. "\n")
    sh("gzip -nc " .. q(path("big.jsonl")) .. " | head -c 3000 > " .. q(path("cut.jsonl.gz")))
    local docs = collect({ path("cut.jsonl.gz") })
    local last = docs[#docs]
    assert.is_true(#docs > 10 and #docs < 3000)
    for i = 1, #docs - 1 do assert.are.equal(tostring(i), docs[i].id) end
    assert.are.equal(path("cut.jsonl.gz") .. ": truncated gzip data (unexpected end of file)", last.reject)
    assert.are.equal(#docs, last.line)
  end)
end)

describe("readers: standard input", function()
  -- A reader over a string, as opts.stdin.
  local function string_reader(s)
    local pos = 1
    return { read = function(_, n)
      if pos > #s then return nil end
      local c = s:sub(pos, pos + n - 1)
      pos = pos + n
      return c
    end }
  end

  it("sniffs JSON Lines", function()
    local docs = collect({ "-" }, { stdin = string_reader('\n  {"text":"a","id":"x"}\n{"text":"b"}\n') })
    assert.are.same({ "x", "-:3" }, ids(docs))
    assert.are.equal("-", docs[1].source)
    assert.is_nil(docs[1].folder)
  end)

  it("sniffs text, even when it starts with a brace", function()
    local s = "{not json} but a story\n\nSecond paragraph.\n"
    local docs = collect({ "-" }, { stdin = string_reader(s) })
    assert.are.equal(1, #docs)
    assert.are.same({ id = "-", source = "-", text = s, bytes = #s, meta = {} }, docs[1])
  end)

  it("sniffs across read blocks", function()
    local docs = collect({ "-" }, { stdin = string_reader('{"text":"a long first line"}\n{"text":"b"}\n'), block = 4 })
    assert.are.same({ "a long first line", "b" }, { docs[1].text, docs[2].text })
  end)

  it("follows opts.input over sniffing", function()
    local s = '{"text":"a"}\n'
    assert.are.equal(s, collect({ "-" }, { stdin = string_reader(s), input = "text" })[1].text)
    local docs = collect({ "-" }, { stdin = string_reader("plain\n"), input = "jsonl" })
    assert.are.equal("not a JSON object", docs[1].reject)
  end)

  it("reads a stet.open reader, so compressed stdin works", function()
    sh("printf '{\"text\":\"zipped\"}\\n' | gzip -c > " .. q(path("stdin.gz")))
    local docs = collect({ "-" }, { stdin = assert(stet.open(path("stdin.gz"))) })
    assert.are.equal("zipped", docs[1].text)
  end)

  it("reads the real standard input in a subprocess, both ways", function()
    local cpath = os.getenv("STET_ASAN") and "build/asan/lib/?.so" or "build/lib/?.so"
    local script = "for d in require('stet.readers').each({'-'}) do io.write(d.id, '=', d.text or d.reject, ';') end"
    local function run(input)
      local file = write("stdin.in", input)
      local p = assert(io.popen(("LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='%s;;' lua5.4 -e %s < %s")
        :format(cpath, q(script), q(file))))
      local out = p:read("a")
      p:close()
      return out
    end
    assert.are.equal("a=one;-:2=two;", run('{"id":"a","text":"one"}\n{"text":"two"}\n'))
    assert.are.equal("-=Just text.\n;", run("Just text.\n"))
  end)
end)

describe("readers: large files", function()
  it("streams a 20 MB JSONL file in blocks", function()
    local file = path("large.jsonl")
    local f = assert(io.open(file, "wb"))
    local para = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. "):rep(3)
    local n = 0
    local size = 0
    while size < 20 * 1024 * 1024 do
      n = n + 1
      local line = ('{"id":"doc%d","text":"%s %d","n":%d}\n'):format(n, para, n, n)
      f:write(line)
      size = size + #line
    end
    f:close()
    collectgarbage()
    local count, peak, last = 0, 0, nil
    for doc in readers.each({ file }) do
      count = count + 1
      last = doc
      if count % 5000 == 0 then
        collectgarbage() -- live memory, not garbage awaiting the collector
        peak = math.max(peak, collectgarbage("count"))
      end
    end
    assert.are.equal(n, count)
    assert.are.equal("doc" .. n, last.id)
    assert.are.equal(n, last.meta.n)
    -- the file is never held whole: live memory stays far below its size
    assert.is_true(peak < 16 * 1024, ("peak %.0f KB"):format(peak))
    os.remove(file)
  end)
end)

describe("readers: iterators", function()
  it("are independent of each other", function()
    local file = write("two.jsonl", '{"text":"a"}\n{"text":"b"}\n')
    local it1, it2 = readers.open({ file }), readers.open({ file })
    assert.are.equal("a", it1().text)
    assert.are.equal("a", it2().text)
    assert.are.equal("b", it1().text)
    assert.is_nil(it1())
    assert.is_nil(it1())
    assert.are.equal("b", it2().text)
  end)

  it("raise on programming mistakes in the options", function()
    assert.has_error(function() readers.open({ "x" }, { input = "xml" }) end)
    assert.has_error(function() readers.open({ "x" }, { text_field = 3 }) end)
    assert.has_error(function() readers.open(42) end)
  end)
end)

describe("readers.without_extension and readers.is_jsonl_name", function()
  it("take off a compression suffix and one extension, and nothing else", function()
    local cases = {
      ["axios/0001.txt"] = "axios/0001", ["a.txt"] = "a", ["a.TXT"] = "a", ["a.b.c"] = "a.b",
      ["a.txt.gz"] = "a", ["a.txt.zst"] = "a", ["a.ZST"] = "a", ["a.zst"] = "a", ["x.tar.gz"] = "x",
      ["dir.x/name"] = "dir.x/name", ["b.t/x"] = "b.t/x", [".txt"] = ".txt", ["a/.txt"] = "a/.txt",
      ["a/b.md"] = "a/b", ["a/b.html"] = "a/b", ["a..t"] = "a.", ["ab.t.x"] = "ab.t", ["a/..x"] = "a/.",
      ["noext"] = "noext", ["a.b/c.d.e"] = "a.b/c.d",
    }
    for name, want in pairs(cases) do
      assert.are.equal(want, readers.without_extension(name), name)
    end
  end)
  it("know JSON Lines by name, compressed or not", function()
    for _, name in ipairs({ "a.jsonl", "a.JSONL", "a.ndjson", "a.jsonl.gz", "a.ndjson.zst", "d/x.jsonl.ZST" }) do
      assert.is_true(readers.is_jsonl_name(name), name)
    end
    for _, name in ipairs({ "a.txt", "a.zst", "a.txt.gz", "jsonl", "a.json", "a.jsonl.txt", "a.gz", "a.st", "t" }) do
      assert.is_false(readers.is_jsonl_name(name), name)
    end
  end)
end)

describe("readers.open with chunk_text", function()
  it("gives the text files of a folder in chunks, as the plain walk gives them one by one", function()
    local files = { ["s/.hidden"] = "no", ["s/c.jsonl"] = '{"text": "json doc"}\n',
                    ["s/sub/e.txt"] = "e", ["s/sub/.x.txt"] = "hidden", ["z.txt.gz"] = "not gzip" }
    for i = 1, 300 do files[("s/f%03d.txt"):format(i)] = ("text %d"):format(i) end
    files["s/g.md"] = "markdown"
    local tree = helpers.tree(files)
    local plain, chunked = {}, {}
    for item in readers.open(tree, { defer_text = true, defer_json = true }) do
      plain[#plain + 1] = item.path and { item.path, item.id_base, item.bytes } or item.deferred
    end
    local sizes = {}
    for item in readers.open(tree, { defer_text = true, defer_json = true, chunk_text = true }) do
      if item.paths then
        sizes[#sizes + 1] = #item.paths
        local total = 0
        for k = 1, #item.paths do
          -- the walk reads the folder's entry types, no stat: a regular
          -- file's size is unknown (-1), which counts as 0 bytes until read
          assert.are.equal(-1, item.sizes[k])
          chunked[#chunked + 1] = { item.paths[k], item.id_bases[k], math.max(item.sizes[k], 0) }
          total = total + math.max(item.sizes[k], 0)
        end
        assert.are.equal(total, item.bytes)
      else
        chunked[#chunked + 1] = item.deferred
      end
    end
    assert.are.same(plain, chunked)
    assert.are.equal(304, #plain)
    -- (the JSON line of c.jsonl) f001..f256 | f257..f300 and g.md | sub/e.txt | z.txt.gz
    assert.are.same({ 256, 45, 1, 1 }, sizes)
    helpers.rmtree(tree)
  end)
end)

describe("readers.open with chunk_json", function()
  -- the lines of a chunk that are documents: { line, number, bytes, source }
  local function lines_of(item)
    local out, no = {}, item.lineno
    local block = type(item.block) == "string" and item.block or item.block:string()
    for line in (block .. "\n"):gmatch("([^\n]*)\n") do
      if line:find("%S") then out[#out + 1] = { line, no, #line, item.source } end
      no = no + 1
    end
    return out
  end

  -- the block of a chunk_ranges item, read as a worker reads it
  local sink = stet._sink()
  local function read_range(item)
    assert(stet._read_range(sink, item.range, item.at, item.len, item.nl, item.count, item.lines))
    local block = sink:string()
    assert.are.equal(item.len, #block)
    return block
  end

  it("gives the lines of a JSON Lines file in runs, as defer_json gives them one by one", function()
    local lines = {}
    for i = 1, 600 do
      -- blank lines are no documents, but have their numbers; a line of
      -- 1.1 MB spans blocks
      lines[i] = i % 7 == 0 and " \t\r" or i == 300 and ('{"text": "%s"}'):format(("x"):rep(1100000))
        or ('{"text": "line %d"}\r'):format(i)
    end
    local tree = helpers.tree({ ["f.jsonl"] = table.concat(lines, "\n") .. "\n\n  \n",
                                ["g.txt"] = "text", ["h.jsonl"] = '{"text": "no line end"}' })
    for _, block in ipairs({ 1000, 65536, 1 << 20 }) do
     for _, how in ipairs({ "strings", "ranges", "sink" }) do
      local ranges = how == "ranges"
      local plain, chunked, items, sinks = {}, {}, 0, {}
      for item in readers.open(tree, { defer_text = true, defer_json = true, block = block }) do
        if item.deferred then plain[#plain + 1] = { item.deferred, item.lineno, item.bytes, item.source } end
      end
      for item in readers.open(tree, { defer_text = true, defer_json = true, chunk_json = true, block = block,
                                       chunk_ranges = ranges, chunk_sink = how == "sink" }) do
        if item.block ~= nil then
          -- strings, or with chunk_sink one buffer a file, refilled for
          -- each of its items (and counted as a string is)
          assert.are.equal(how == "sink" and "userdata" or "string", type(item.block))
          if how == "sink" then
            sinks[item.source] = sinks[item.source] or item.block
            assert.are.equal(sinks[item.source], item.block)
            local t, b, l = stet._count_lines(item.block)
            assert.are.same({ t, b, l }, { stet._count_lines(item.block:string()) })
          end
        end
        if ranges and item.range then
          -- where the lines are in the file: what a worker reads there
          assert.is_nil(item.block)
          assert.are.equal(item.source, item.range)
          item.block = read_range(item)
        end
        if item.block then
          items = items + 1
          local got = lines_of(item)
          local total = 0
          for _, l in ipairs(got) do
            chunked[#chunked + 1] = l
            total = total + l[3]
          end
          assert.are.equal(#got, item.count)
          assert.are.equal(total, item.bytes)
          assert.are.equal(item.source:match("([^/]+)%.jsonl$"), item.id_base)
        else
          assert.is_string(item.path) -- the text file
        end
      end
      assert.are.same(plain, chunked)
      assert.are.equal(600 - 85 + 1, #plain)
      assert.is_true(items >= 2 and items <= #plain)
     end
    end
    helpers.rmtree(tree)
  end)

  it("gives a compressed file and standard input as blocks with chunk_ranges", function()
    local tree = helpers.tree({})
    local f = assert(io.popen("gzip -c > " .. tree .. "/z.jsonl.gz", "w"))
    f:write('{"text": "a"}\n{"text": "b"}\n')
    f:close()
    local kinds = {}
    for item in readers.open({ tree }, { defer_json = true, chunk_json = true, chunk_ranges = true }) do
      kinds[#kinds + 1] = item.block and "block" or "range"
      assert.are.equal(2, item.count)
    end
    local stdin = { read = function(self)
      local b = self.b
      self.b = nil
      return b
    end, b = '{"text": "a"}\n' }
    for item in readers.open({ "-" }, { input = "jsonl", stdin = stdin, defer_json = true, chunk_json = true,
                                        chunk_ranges = true }) do
      kinds[#kinds + 1] = item.block and "block" or "range"
    end
    assert.are.same({ "block", "block" }, kinds)
    helpers.rmtree(tree)
  end)

  it("gives a read error after the lines read before it", function()
    local blocks = { '{"text": "a"}\n\n{"text": "b"}\n{"text": "c', false }
    local stdin = { read = function()
      local b = table.remove(blocks, 1)
      if b == false then return nil, "device gone" end
      return b
    end }
    local got = {}
    for item in readers.open({ "-" }, { input = "jsonl", stdin = stdin, defer_json = true, chunk_json = true }) do
      got[#got + 1] = item
    end
    assert.are.equal(2, #got)
    assert.are.same({ { '{"text": "a"}', 1, 13, "-" }, { '{"text": "b"}', 3, 13, "-" } }, lines_of(got[1]))
    assert.are.equal(2, got[1].count)
    assert.matches("device gone", got[2].reject, 1, true)
    assert.are.equal(4, got[2].line)
    assert.are.equal('{"text": "c', got[2].raw)
  end)
end)

describe("reader:scan_lines and stet._read_range", function()
  local function scan_all(file, n)
    local r = assert(stet.open(file))
    local got = {}
    while true do
      local at, len, texts, bytes, lines, nl = r:scan_lines(n)
      if not at then
        assert.is_nil(len) -- the end, no error
        break
      end
      got[#got + 1] = { at = at, len = len, texts = texts, bytes = bytes, lines = lines, nl = nl }
    end
    r:close()
    return got
  end

  it("says where whole lines are, as read_lines reads them, and counts them", function()
    local long = ("x"):rep(200000)
    for _, text in ipairs({ "ab\n\n  \ncdef\n" .. long .. "\nlast", "a\nb\n", "one line", "\n\n",
                            ('{"text": "l"}\n'):rep(30000) }) do
      local tree = helpers.tree({ ["t.jsonl"] = text })
      local file = tree .. "/t.jsonl"
      for _, n in ipairs({ 1, 3, 70000, 1 << 20 }) do
        local got, pieces, next_at = scan_all(file, n), {}, 0
        local r = assert(stet.open(file))
        assert.are.equal(#text, r:size())
        r:close()
        for i, g in ipairs(got) do
          assert.are.equal(next_at, g.at) -- the blocks follow each other
          local block = text:sub(g.at + 1, g.at + g.len)
          local texts, bytes, lines = stet._count_lines(block)
          assert.are.same({ texts, bytes, lines }, { g.texts, g.bytes, g.lines })
          -- a line end follows every block but one that ends the file without one
          assert.are.equal(text:sub(g.at + g.len + 1, g.at + g.len + 1) == "\n", g.nl)
          assert.is_true(g.nl or i == #got)
          assert.is_true(g.len >= n or i == #got)
          next_at = g.at + g.len + (g.nl and 1 or 0)
          pieces[#pieces + 1] = block
          -- a worker reads the same bytes there
          local sink = stet._sink()
          assert.is_true(stet._read_range(sink, file, g.at, g.len, g.nl, g.texts, g.lines))
          assert.are.equal(block, sink:string())
        end
        assert.are.equal(#text, next_at)
        assert.are.equal(text, table.concat(pieces, "\n") .. (got[#got].nl and "\n" or ""))
      end
      helpers.rmtree(tree)
    end
  end)

  it("ends an empty file at once, has no size for it, and refuses a compressed stream", function()
    local tree = helpers.tree({ ["e.jsonl"] = "" })
    local r = assert(stet.open(tree .. "/e.jsonl"))
    assert.is_nil(r:size())
    assert.is_nil(r:scan_lines(10))
    r:close()
    local f = assert(io.popen("gzip -c > " .. tree .. "/z.jsonl.gz", "w"))
    f:write('{"text": "a"}\n')
    f:close()
    r = assert(stet.open(tree .. "/z.jsonl.gz"))
    assert.is_nil(r:size())
    assert.has_error(function() r:scan_lines(10) end, "scan_lines: the stream is compressed")
    r:close()
    helpers.rmtree(tree)
  end)

  it("says the file changed when the lines are no longer where they were", function()
    local text = '{"text": "a"}\n{"text": "b"}\n{"text": "c"}\n'
    local tree = helpers.tree({ ["t.jsonl"] = text })
    local file = tree .. "/t.jsonl"
    local g = scan_all(file, 1 << 20)[1]
    assert.are.same({ 0, 41, 3, 39, 3, true }, { g.at, g.len, g.texts, g.bytes, g.lines, g.nl })
    local sink = stet._sink()
    local function changed_to(new)
      helpers.write(file, new)
      local ok, err = stet._read_range(sink, file, g.at, g.len, g.nl, g.texts, g.lines)
      assert.is_nil(ok)
      assert.are.equal(file .. ": the file changed while it was read", err)
    end
    changed_to(text:sub(1, 30))                               -- cut short
    changed_to(text:sub(1, -2) .. "x")                        -- no line end after the block
    changed_to('{"text": "a"}\n{"text": "b"}{"text": "cc"}\n') -- a line end moved
    changed_to('{"text": "a"}\n{"text": "b"}\n             \n') -- a line blanked
    helpers.write(file, text)
    assert.is_true(stet._read_range(sink, file, g.at, g.len, g.nl, g.texts, g.lines))
    os.remove(file)
    local ok, err = stet._read_range(sink, file, g.at, g.len, g.nl, g.texts, g.lines)
    assert.is_nil(ok)
    assert.matches("t.jsonl: No such file", err, 1, true)
    helpers.rmtree(tree)
  end)
end)

describe("reader:read_lines", function()
  it("gives whole lines, keeps the start of the next, takes a prefix, ends with the last line", function()
    local text = "ab\ncdef\n" .. ("x"):rep(5000) .. "\nlast"
    local tree = helpers.tree({ ["t.txt"] = text })
    local file = tree .. "/t.txt"
    local r = assert(stet.open(file))
    local got = {}
    while true do
      local lines, err = r:read_lines(3)
      assert.is_nil(err)
      if not lines then break end
      got[#got + 1] = lines
    end
    r:close()
    -- each call ends at the last line end of what it read
    assert.are.same({ "ab", "cdef", ("x"):rep(5000), "last" }, got)
    assert.are.equal(text, table.concat(got, "\n"))
    r = assert(stet.open(file))
    assert.are.equal("ab", r:read_lines(4)) -- "ab\ncd": "cd" waits
    assert.has_error(function() r:read_lines(4, "zz") end, "read_lines: a prefix while a line waits")
    assert.are.equal("cdef", r:read_lines(4))
    r:close()
    r = assert(stet.open(file))
    assert.are.equal("<<ab\ncdef", r:read_lines(8, "<<"))
    r:close()
    helpers.rmtree(tree)
  end)

  it("fills a sink in place with the lines it would return", function()
    local parts = { "ab", "", "cdef", ("x"):rep(5000), "\r", ("y"):rep(70000), "z" }
    for _, ending in ipairs({ "", "\n" }) do
      local text = table.concat(parts, "\n") .. ending
      local tree = helpers.tree({ ["t.jsonl"] = text })
      local gz = tree .. "/t.jsonl.gz"
      assert(os.execute(("gzip -c %q > %q"):format(tree .. "/t.jsonl", gz)))
      for _, file in ipairs({ tree .. "/t.jsonl", gz }) do
        for _, n in ipairs({ 1, 3, 4096, 1 << 20 }) do
          local function all(sink, prefix)
            local r, got = assert(stet.open(file)), {}
            while true do
              local lines, err = r:read_lines(n, #got == 0 and prefix or nil, sink)
              assert.is_nil(err)
              if not lines then break end
              if sink then
                assert.are.equal(sink, lines)
                lines = sink:string()
              end
              got[#got + 1] = lines
            end
            r:close()
            return got
          end
          local sink = stet._sink()
          local want = all(nil)
          assert.are.same(want, all(sink))
          assert.are.same(all(nil, "<<"), all(sink, "<<"))
          assert.are.equal(text:gsub("\n$", ""), table.concat(want, "\n"))
        end
      end
      local r = assert(stet.open(tree .. "/t.jsonl"))
      assert.has_error(function() r:read_lines(4, nil, {}) end)
      r:close()
      helpers.rmtree(tree)
    end
  end)
end)
