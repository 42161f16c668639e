-- spec/cli_spec.lua: the stet host (bin/stet): help, version, run, errors.
local h = require "spec.support.helpers"

describe("stet host", function()
  it("prints its version with the Unicode versions it was built with", function()
    local out, _, code = h.run({ "--version" })
    assert.are.equal(0, code)
    assert.matches("^stet %d+%.%d+%.%d+ %(Lua 5%.4, Unicode 15%.0%.0, utf8proc Unicode 15%.0%.0%)\n$", out)
  end)

  it("lists the commands with --help and exits 1 without a command", function()
    local out, _, code = h.run({ "--help" })
    assert.are.equal(0, code)
    assert.matches("usage: stet COMMAND", out, 1, true)
    assert.matches("normalize", out, 1, true)
    assert.matches("run", out, 1, true)
    local _, _, code2 = h.run({})
    assert.are.equal(1, code2)
  end)

  it("shows a command's options with help COMMAND and COMMAND --help", function()
    local a = h.run({ "help", "normalize" })
    local b = h.run({ "normalize", "--help" })
    assert.are.equal(a, b)
    assert.matches("--mojibake", a, 1, true)
  end)

  it("counts in its summary lines in the singular for one", function()
    local count = require("stet.args").count
    assert.are.equal("1 document", count(1, "document"))
    assert.are.equal("0 documents", count(0, "document"))
    assert.are.equal("2 distinct entries", count(2, "distinct entry", "distinct entries"))
    local dir = h.tempfile("One paragraph.\n", ".txt")
    local _, err, code = h.run({ "hash", "-o", dir .. ".tbl", dir })
    assert.are.equal(0, code, err)
    assert.matches("^stet hash: 1 document, 1 paragraph, 1 distinct entry, ", err)
    _, err, code = h.run({ "merge", "-o", dir .. ".m.tbl", dir .. ".tbl" })
    assert.are.equal(0, code, err)
    assert.matches("^stet merge: 1 table, 1 entry %-> ", err)
    _, err = h.run({ "clean", "-o", dir .. ".out", dir })
    assert.matches("; 1 paragraph, 1 kept; ", err)
    for _, suffix in ipairs({ "", ".tbl", ".m.tbl", ".out" }) do os.remove(dir .. suffix) end
  end)

  it("warns when --site names no rule file given (a typo), and goes on with the generic rules", function()
    local out = os.tmpname()
    local _, err, code = h.run({ "clean", "-q", "--site", "axois", "-r", "examples/sites", "-o", out,
      "examples/corpus/axios" })
    assert.are.equal(0, code, err)
    assert.are.equal("stet clean: warning: --site axois: no rule file given names this site (only the "
      .. "generic rules apply; sites: axios, bay-lantern, harbor-ledger)\n", err)
    _, err, code = h.run({ "clean", "-q", "--site", "axios", "-r", "examples/sites", "-o", out,
      "examples/corpus/axios" })
    assert.are.equal(0, code, err)
    assert.are.equal("", err)
    -- without rule files --site only names the records' site
    _, err, code = h.run({ "clean", "-q", "--site", "anything", "-o", out, "examples/corpus/axios" })
    assert.are.equal(0, code, err)
    assert.are.equal("", err)
    os.remove(out)
  end)

  it("rejects an unknown command or option with exit 1 and one line", function()
    local out, err, code = h.run({ "frobnicate" })
    assert.are.equal(1, code)
    assert.are.equal("", out)
    assert.are.equal("stet: unknown command 'frobnicate' (see 'stet --help')\n", err)
    local _, err2, code2 = h.run({ "normalize", "--bogus" })
    assert.are.equal(1, code2)
    assert.are.equal("stet normalize: unknown option --bogus (see 'stet help normalize')\n", err2)
  end)

  it("names the format or rules file it cannot load, with the reason", function()
    local _, err, code = h.run({ "clean", "-q", "-f", "/nonexistent/fmt.lua", "examples/corpus" })
    assert.are.equal(1, code)
    assert.are.equal("stet: cannot load format /nonexistent/fmt.lua: No such file or directory\n", err)
    _, err, code = h.run({ "clean", "-q", "-r", "/nonexistent/rules.lua", "examples/corpus" })
    assert.are.equal(1, code)
    assert.are.equal("stet: cannot read rules /nonexistent/rules.lua: No such file or directory\n", err)
  end)

  it("takes --reference as the date relative dates count back from", function()
    local dir = h.tree({ ["d.txt"] = "Updated 2 hours ago\n\nSome story text goes here.\n" })
    local rules = dir .. "/r.lua"
    h.write(rules, 'return { name = "s", head = { "date" } }\n')
    local out, err, code = h.run({ "clean", "-q", "-r", rules, "--site", "s", "--reference", "2017-06-07T12:00:00Z",
      dir .. "/d.txt" })
    assert.are.equal(0, code, err)
    assert.are.equal("2017-06-07T10:00:00Z", h.jsonl(out)[1].date)
    h.rmtree(dir)
  end)

  it("refuses option values out of range with exit 1 and one line, not an internal error", function()
    for _, case in ipairs({
      { { "-j", "300" }, "--jobs must be a whole number from 1 to 256" },
      { { "-j", "0" }, "--jobs must be a whole number from 1 to 256" },
      { { "--boilerplate", "-1" }, "--boilerplate must be a whole number >= 0 (0: off)" },
      { { "--boilerplate", "2.5" }, "--boilerplate must be a whole number >= 0 (0: off)" },
      { { "--reference", "yesterday" },
        "--reference must be a date such as 2017-06-07 or 2017-06-07T12:00:00Z, not 'yesterday'" },
    }) do
      local args = { "clean", "-q", "-o", "/dev/null" }
      for _, a in ipairs(case[1]) do args[#args + 1] = a end
      args[#args + 1] = "examples/corpus"
      local _, err, code = h.run(args)
      assert.are.equal(1, code, err)
      assert.are.equal(("stet clean: %s (see 'stet help clean')\n"):format(case[2]), err)
    end
  end)
end)

describe("stet run", function()
  it("runs a script with stet loaded and arg set as lua5.4 does", function()
    local script = h.tempfile([[
      local s = require "stet"
      assert(s == stet)
      print(arg[0] ~= nil, arg[1], arg[2], select("#", ...), ...)
      print((stet.normalize("cafe\u{301}")))
    ]], ".lua")
    local out, err, code = h.run({ "run", script, "one", "two words" })
    os.remove(script)
    assert.are.equal("", err)
    assert.are.equal(0, code)
    assert.are.equal("true\tone\ttwo words\t2\tone\ttwo words\ncaf\u{E9}\n", out)
  end)

  it("runs -e CODE", function()
    local out, _, code = h.run({ "run", "-e", "io.write(#arg, arg[1], stet.version ~= nil and 'y' or 'n')", "x" })
    assert.are.equal(0, code)
    assert.are.equal("1xy", out)
  end)

  it("reports a script error on one line and exits 1", function()
    local out, err, code = h.run({ "run", "-e", "local x = nil; x.y = 1" })
    assert.are.equal(1, code)
    assert.are.equal("", out)
    assert.matches("^stet run: %(command line%):1: attempt to index a nil value", err)
    assert.are.equal(1, select(2, err:gsub("\n", "")))
    -- an error of the library ({ exit, message }) keeps its message and code
    local _
    _, err, code = h.run({ "run", "-e", "require('stet.shards').merge({ 'no/such.sig' }, 'x.sig')" })
    assert.are.equal(2, code)
    assert.are.equal("stet run: stet merge: no/such.sig: No such file or directory\n", err)
  end)

  it("reports a missing script or syntax error with exit 1", function()
    local _, err, code = h.run({ "run", "no/such/script.lua" })
    assert.are.equal(1, code)
    assert.matches("cannot open no/such/script.lua", err, 1, true)
    local _, err2, code2 = h.run({ "run", "-e", "x =" })
    assert.are.equal(1, code2)
    assert.matches("unexpected symbol", err2, 1, true)
  end)

  it("passes os.exit codes through", function()
    local _, _, code = h.run({ "run", "-e", "os.exit(7)" })
    assert.are.equal(7, code)
  end)
end)

describe("stet normalize", function()
  it("filters standard input and reports repairs on stderr", function()
    local out, err, code = h.run({ "normalize" }, "caf\u{65}\u{301} \xFF  \r\nnext\u{A0}line\u{200B}")
    assert.are.equal(0, code)
    assert.are.equal("caf\u{E9} \u{FFFD}\nnext line", out)
    assert.are.equal("stet normalize: 1 invalid UTF-8 sequence repaired\n", err)
  end)

  it("reads several files in order and applies the options", function()
    local a = h.tempfile("\u{201C}A\u{201D} \u{2014} Stra\u{DF}e\n")
    local b = h.tempfile("caf\u{C3}\u{A9}\n")
    local out, err, code = h.run({ "normalize", "--quotes", "--casefold", "--mojibake", "--form", "NFKC", a, b })
    os.remove(a)
    os.remove(b)
    assert.are.equal(0, code)
    assert.are.equal("\"a\" - strasse\ncaf\u{E9}\n", out)
    assert.matches("1 mojibake sequence repaired", err, 1, true)
  end)

  it("keeps line endings with --no-newlines and is quiet with -q", function()
    local out, err = h.run({ "normalize", "--no-newlines", "-q" }, "a\r\nb")
    assert.are.equal("a\r\nb", out)
    assert.are.equal("", err)
  end)

  it("gives the same result as stet.normalize on input larger than one block", function()
    local stet = require "stet"
    local para = "Zoe\u{308} said \u{201C}no\u{201D}.  \r\nCafe\u{301}\u{A0}x\xC3\n\n"
    local big = para:rep(9 * 1024 * 1024 // #para)
    local path = h.tempfile(big)
    local out, _, code = h.run({ "normalize", "-q", path })
    os.remove(path)
    assert.are.equal(0, code)
    assert.is_true(out == stet.normalize(big))
  end)

  it("gives the same result on lines longer than a block, whatever falls at the block's end", function()
    local stet = require "stet"
    -- no newline at all: the blocks must be cut inside the line without
    -- splitting a character, a combining mark from its base, a CR LF, or
    -- the spaces that end a line; each piece is shifted by one byte
    local piece = "Zoe\u{308} said \u{201C}no\u{201D}.  Cafe\u{301}\u{A0}x \u{E9}\u{E9}\u{20AC} "
    for shift = 0, 3 do
      local line = ("a"):rep(shift) .. piece:rep(9 * 1024 * 1024 // #piece)
      for _, text in ipairs({ line, ("\u{E9}"):rep(5 * 1024 * 1024) .. "\n" .. line }) do
        local path = h.tempfile(text)
        local out, err, code = h.run({ "normalize", path })
        os.remove(path)
        assert.are.equal(0, code)
        assert.are.equal("stet normalize: 0 invalid UTF-8 sequences repaired\n", err)
        assert.is_true(out == stet.normalize(text), "shift " .. shift)
      end
    end
  end)

  it("exits 2 naming a file it cannot read", function()
    local _, err, code = h.run({ "normalize", "does-not-exist.txt" })
    assert.are.equal(2, code)
    assert.are.equal("stet normalize: cannot read does-not-exist.txt: No such file or directory\n", err)
  end)
end)

describe("- as an output", function()
  local dir
  before_each(function() dir = h.tree({}) end)
  after_each(function() h.rmtree(dir) end)
  local CORPUS = "examples/corpus"

  it("is standard output for the stats and rejects of stet clean, when the records go to a file", function()
    local out, err, code = h.run({ "clean", "-q", "-o", dir .. "/r.jsonl", "--stats", "-", CORPUS })
    assert.are.equal(0, code, err)
    local _, _, c2 = h.run({ "clean", "-q", "-o", dir .. "/r2.jsonl", "--stats", dir .. "/s.json", CORPUS })
    assert.are.equal(0, c2)
    -- the same stats but the time taken
    local function untimed(s) return (s:gsub('"seconds": [^,]*', "")) end
    assert.are.equal(untimed(h.slurp(dir .. "/s.json")), untimed(out))
    local bad = dir .. "/bad.jsonl"
    h.write(bad, '{"text": "A paragraph here."}\nnot json\n')
    out, err, code = h.run({ "clean", "-q", "-o", dir .. "/r.jsonl", "--rejects", "-", bad })
    assert.are.equal(0, code, err)
    assert.are.same({ { id = "bad.jsonl:2", source = bad, line = 2, reason = "not a JSON object", raw = "not json" } },
      h.jsonl((out:gsub('"id": "[^"]*bad.jsonl:2"', '"id": "bad.jsonl:2"'))))
    assert.is_nil(h.slurp("-"))
  end)

  it("is refused for a second taker of standard output", function()
    for _, case in ipairs({
      { { "--stats", "-" }, "--stats -: standard output takes the records already" },
      { { "-o", "-", "--rejects", "-" }, "--rejects -: standard output takes the records already" },
      { { "-o", dir .. "/r.jsonl", "--rejects", "-", "--stats", "-" }, "--stats -: standard output takes the rejects already" },
      { { "-o", "/dev/stdout", "--stats", "-" }, "--stats -: standard output takes the records already" },
      { { "-o", dir .. "/r.jsonl", "--stats", "/dev/stdout", "--rejects", "-" },
        "--stats /dev/stdout: standard output takes the rejects already" },
    }) do
      local argv = { "clean", "-q" }
      for _, a in ipairs(case[1]) do argv[#argv + 1] = a end
      argv[#argv + 1] = CORPUS
      local out, err, code = h.run(argv)
      assert.are.equal(1, code)
      assert.are.equal("stet clean: " .. case[2] .. " (see 'stet help clean')\n", err)
      assert.are.equal("", out)
    end
  end)

  it("is standard output for tables and signature files, never a terminal", function()
    local want = dir .. "/want.tbl"
    assert.are.equal(0, select(3, h.run({ "hash", "-q", "-o", want, CORPUS })))
    local out, err, code = h.run({ "hash", "-q", "-o", "-", CORPUS })
    assert.are.equal(0, code, err)
    assert.are.equal(h.slurp(want), out)
    out, err, code = h.run({ "merge", "-q", "-o", "-", want })
    assert.are.equal(0, code, err)
    assert.are.equal(h.slurp(want), out)
    assert.are.equal(0, select(3, h.run({ "signatures", "-q", "--shard", "1", "-o", dir .. "/want.sig", CORPUS })))
    out, err, code = h.run({ "signatures", "-q", "--shard", "1", "-o", "-", CORPUS })
    assert.are.equal(0, code, err)
    assert.are.equal(h.slurp(dir .. "/want.sig"), out)
    assert.is_nil(h.slurp("-"))
    -- on a terminal (script(1) gives the command one), binary bytes are refused
    local p = io.popen(("script -qec %s /dev/null 2>&1"):format(h.quote(h.quote(h.bin) .. " hash -q -o - " .. CORPUS)))
    local tty = p:read("a")
    local _, _, tcode = p:close()
    assert.are.equal(1, tcode)
    assert.matches("stet hash: %-o %-: standard output is a terminal %(redirect it, or give a file%)", tty)
  end)
end)

describe("stet explain", function()
  it("names what it cannot explain on stderr, keeps --json output JSON, and exits 2 when nothing was explained", function()
    local dir = h.tree({ ["e.jsonl"] = '{"id": "a", "text": "Hello there, friend."}\nnot json\n',
                         ["bin.txt"] = "abc\0def" })
    local out, err, code = h.run({ "explain", "--json", dir .. "/e.jsonl" })
    assert.are.equal(0, code, err)
    local recs = h.jsonl(out)
    assert.are.equal(1, #recs)
    assert.are.equal("a", recs[1].id)
    assert.are.equal("stet explain: " .. dir .. "/e.jsonl:2: rejected: not a JSON object\n", err)
    out, err, code = h.run({ "explain", dir .. "/missing.txt" })
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal("stet explain: " .. dir .. "/missing.txt: No such file or directory\n", err)
    out, err, code = h.run({ "explain", dir .. "/bin.txt" })
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal("stet explain: " .. dir .. "/bin.txt: rejected: binary file\n", err)
    h.rmtree(dir)
  end)
end)
