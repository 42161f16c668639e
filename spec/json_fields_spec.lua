-- spec/json_fields_spec.lua: stet.json_fields, the JSON field scanner
-- (core/json.c) with its lua-cjson fallback.
local stet = require "stet"
local core = require "stet.core"
local cjson = require "cjson"

local names = { "text", "site" }

describe("stet.json_fields", function()
  it("picks string fields out of an object and skips the rest", function()
    local line = '{"id": 7, "site": "axios", "meta": {"tags": ["a", {"b": null}], "n": -1.5e+3},' ..
      ' "ok": true, "no": false, "text": "Body"}'
    local t = stet.json_fields(line, names)
    assert.are.same({ text = "Body", site = "axios" }, t)
    assert.is_table(core.json_fields(line, names)) -- answered by the scanner
  end)

  it("leaves absent fields nil and reuses the table it is given", function()
    local out = { text = "old", site = "old", other = 1 }
    assert.are.equal(out, stet.json_fields('{"text": "new"}', names, out))
    assert.are.same({ text = "new", other = 1 }, out)
    assert.are.same({}, stet.json_fields("{}", names))
    assert.are.same({}, stet.json_fields(' \t{ }\r\n', names))
  end)

  it("unescapes strings", function()
    local t = stet.json_fields([[{"text": "a\"b\\c\/d\b\f\n\r\te", "site": "\u00e9\u20ac\u0041"}]], names)
    assert.are.equal('a"b\\c/d\b\f\n\r\te', t.text)
    assert.are.equal("é€A", t.site)
  end)

  it("joins surrogate pairs into one character", function()
    local t = stet.json_fields([[{"text": "x\ud83d\ude00y\uD834\uDD1E"}]], names)
    assert.are.equal("x😀y𝄞", t.text)
    assert.are.equal("\xF0\x9F\x98\x80", stet.json_fields([[{"text":"\ud83d\ude00"}]], names).text)
  end)

  it("keeps \\u0000, raw control bytes and invalid UTF-8 as cjson does", function()
    local line = '{"text": "a\\u0000b\tc\1d\255\254e"}'
    assert.are.equal("a\0b\tc\1d\255\254e", stet.json_fields(line, names).text)
    assert.are.equal(cjson.decode(line).text, stet.json_fields(line, names).text)
    assert.is_table(core.json_fields(line, names))
  end)

  it("scans a part of a string given as i, j", function()
    local block = 'xx{"text": "one"}\n{"text": "two", "site": "s"}\n'
    assert.are.same({ text = "one" }, stet.json_fields(block, names, nil, 3, 17))
    assert.are.same({ text = "two", site = "s" }, stet.json_fields(block, names, nil, 19, -2))
    local ok, why, at = core.json_fields(block, names, nil, 3, 12)
    assert.are.same({ false, "invalid", 13 }, { ok, why, at })
  end)

  it("takes the last of repeated keys", function()
    assert.are.equal("b", stet.json_fields('{"text": "a", "text": "b"}', names).text)
  end)

  it("answers as cjson for fields that are not strings", function()
    local t = stet.json_fields('{"text": 12, "site": null}', names)
    assert.are.equal(12, t.text)
    assert.are.equal(cjson.null, t.site)
    assert.are.same({ text = { 1, 2 } }, stet.json_fields('{"text": [1, 2]}', names))
    assert.are.same({ false, "unusual" }, { core.json_fields('{"text": 12}', names) })
    -- and for what only cjson accepts
    assert.are.equal(16, stet.json_fields('{"text": "x", "n": 0x10, "site": 0x10}', names).site)
    assert.are.equal("x", stet.json_fields('{"site": "s", "n": 01, "text": "x"}', names).text)
    -- an escaped key is left to cjson
    assert.are.equal("y", stet.json_fields('{"t\\u0065xt": "y"}', names).text)
  end)

  it("refuses invalid JSON with cjson's message", function()
    local cases = {
      '{"text": "\\ud83d"}',             -- lone high surrogate
      '{"text": "\\ude00x"}',            -- lone low surrogate
      '{"text": "\\ud83d\\u0041"}',      -- high surrogate, then not a low one
      '{"text": "\\u12"}',               -- short \u escape
      '{"text": "\\x"}',                 -- unknown escape
      '{"text": "open',                  -- unterminated string
      '{"text": "a"} trailing',          -- text after the object
      '{"text": "a",}',                  -- trailing comma
      '{"a": [1, 2,], "text": "x"}',     -- trailing comma in a skipped array
      '{"a": tru, "text": "x"}',         -- bad literal
      '{"a": -, "text": "x"}',           -- bad number
      '{"text" "x"}',                    -- missing colon
      '{"text": "x"',                    -- missing brace
      '',
    }
    for _, line in ipairs(cases) do
      local t, err = stet.json_fields(line, names)
      assert.is_nil(t, line)
      local _, cerr = pcall(cjson.decode, line)
      assert.are.equal("invalid JSON: " .. tostring(cerr), err, line)
      assert.is_false((core.json_fields(line, names)), line)
    end
  end)

  it("refuses JSON that is not an object", function()
    for _, line in ipairs({ '"text"', "[1, 2]", " [ ]", "12", "null" }) do
      local t, err = stet.json_fields(line, names)
      assert.is_nil(t, line)
      assert.are.equal("not a JSON object", err, line)
    end
  end)

  it("skips deep nesting and leaves nesting beyond 1000 to cjson", function()
    local deep = '{"a": ' .. ("["):rep(900) .. ("]"):rep(900) .. ', "text": "x"}'
    assert.is_table(core.json_fields(deep, names))
    assert.are.equal("x", stet.json_fields(deep, names).text)
    local deeper = '{"a": ' .. ("["):rep(1200) .. ("]"):rep(1200) .. ', "text": "x"}'
    assert.are.same({ false, "unusual" }, { core.json_fields(deeper, names) })
    local t, err = stet.json_fields(deeper, names)
    assert.is_nil(t)
    assert.matches("^invalid JSON: ", err) -- cjson's own depth limit
  end)

  it("agrees with cjson on the text of generated records", function()
    local parts = { "plain words ", '"', "\\", "/", "\n", "\r", "\t", "\1", "\31", "é", "€",
                    "😀", "\255", "\0" }
    local seed = 99
    local function rand(n)
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n + 1
    end
    local bad = 0
    for _ = 1, 300 do
      local s = {}
      for k = 1, rand(40) do s[k] = parts[rand(#parts)] end
      local text = table.concat(s)
      local line = '{"site": "s", "text": ' .. require("stet.json").string(text) .. ', "n": 1}'
      local t = stet.json_fields(line, names)
      if not t or t.text ~= cjson.decode(line).text or t.text ~= text then bad = bad + 1 end
    end
    assert.are.equal(0, bad)
  end)

  it("checks its arguments", function()
    assert.has_error(function() stet.json_fields({}, names) end)
    assert.has_error(function() stet.json_fields("{}", "text") end)
    assert.has_error(function() stet.json_fields("{}", { 1 }) end)
    local many = {}
    for k = 1, 33 do many[k] = "f" .. k end
    assert.has_error(function() stet.json_fields("{}", many) end)
  end)
end)
