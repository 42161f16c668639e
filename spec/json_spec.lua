-- spec/json_spec.lua: JSON output (stet.json, stet.json_quote, the jsonl
-- record format).
local stet = require "stet"
local json = require "stet.json"
local cjson = require "cjson"

-- The quoting JSON asks for, written plainly.
local function reference(s)
  local map = { ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
                ["\b"] = "\\b", ["\f"] = "\\f" }
  return '"' .. s:gsub('[%c"\\]', function(c) return map[c] or ("\\u%04x"):format(c:byte()) end) .. '"'
end

describe("stet.json_quote", function()
  it("escapes quotes, backslashes, controls and DEL, and nothing else", function()
    assert.are.equal('"a\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u007f \u{FC} \u{20AC}"',
      stet.json_quote("a\"b\\c\n\r\t\b\f\1\127 \u{FC} \u{20AC}"))
    assert.are.equal('""', stet.json_quote(""))
    assert.are.equal('"\\u0000"', stet.json_quote("\0"))
  end)

  it("agrees with the plain reference on random strings of every length", function()
    local seed = 12345
    local function rnd(n)
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n
    end
    for _ = 1, 3000 do
      local parts = {}
      for i = 1, rnd(80) do
        local r = rnd(100)
        parts[i] = r < 70 and string.char(0x20 + rnd(95)) or r < 85 and string.char(rnd(32))
          or r < 90 and '"' or r < 95 and "\\" or string.char(0x7f + rnd(129))
      end
      local s = table.concat(parts)
      assert.are.equal(reference(s), stet.json_quote(s))
    end
  end)
end)

describe("stet.json", function()
  it("writes objects in a fixed key order, arrays, numbers and nulls", function()
    assert.are.equal('{"b": 1, "a": [1, 2.5, "x"], "c": null}',
      json.encode({ a = { 1, 2.5, "x" }, b = 1 }, { "b", "a", "c" }))
    assert.are.equal('{"a": null, "b": [1, null], "z": {}}',
      json.encode({ z = {}, a = cjson.null, b = { 1, cjson.null } }))
    assert.are.equal("[]", json.encode(json.array({})))
  end)

  it("writes records that lua-cjson reads back", function()
    local fmt = require("stet.formats").load("jsonl")
    local r = { id = "a/1", site = "s", source = "x.txt", title = 'T "q"', date = "2017-06-07",
                authors = { "A B", "C D" }, text = "p1\n\np2 \u{E9}\t", meta = { n = 3, tags = { "x" } } }
    local line = fmt.write(r)
    assert.are.equal("\n", line:sub(-1))
    local back = cjson.decode(line)
    assert.are.same({ "A B", "C D" }, back.authors)
    assert.are.equal(r.text, back.text)
    assert.are.equal(cjson.null, back.dup_of)
    assert.are.same(r.meta, back.meta)
    assert.matches('^{"id": "a/1", "site": "s", "source": "x.txt", "title": "T \\"q\\"", "date"', line)
  end)
end)
