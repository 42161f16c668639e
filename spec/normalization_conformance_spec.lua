-- spec/normalization_conformance_spec.lua: Unicode's NormalizationTest.txt
-- (Debian's unicode-data, read at test time) through stet.normalize, all
-- four forms, with the cleanup options off so only the form is tested.
local stet = require "stet"

local PATH = "/usr/share/unicode/NormalizationTest.txt.bz2"

local function opts(form)
  return { form = form, newlines = false, spaces = false, controls = false }
end

local function hex_to_utf8(field)
  local cps = {}
  for h in field:gmatch("%x+") do cps[#cps + 1] = utf8.char(tonumber(h, 16)) end
  return table.concat(cps)
end

local function nf(form, s) return (stet.normalize(s, opts(form))) end

describe("NormalizationTest.txt", function()
  local lines, part1 = {}, {}
  setup(function()
    local p = assert(io.popen("bzcat " .. PATH))
    local part
    for line in p:lines() do
      local header = line:match("^@(Part%d)")
      if header then
        part = header
      elseif line ~= "" and line:sub(1, 1) ~= "#" then
        local f = {}
        for field in line:gmatch("([^;]*);") do f[#f + 1] = hex_to_utf8(field) end
        if #f >= 5 then
          lines[#lines + 1] = f
          if part == "Part1" then part1[utf8.codepoint(f[1])] = true end
        end
      end
    end
    p:close()
  end)

  it("holds for every test line in NFC, NFD, NFKC and NFKD", function()
    assert.is_true(#lines > 19000, "read " .. #lines .. " lines")
    local failures = {}
    for i, c in ipairs(lines) do
      local ok =
        c[2] == nf("NFC", c[1]) and c[2] == nf("NFC", c[2]) and c[2] == nf("NFC", c[3]) and
        c[4] == nf("NFC", c[4]) and c[4] == nf("NFC", c[5]) and
        c[3] == nf("NFD", c[1]) and c[3] == nf("NFD", c[2]) and c[3] == nf("NFD", c[3]) and
        c[5] == nf("NFD", c[4]) and c[5] == nf("NFD", c[5])
      for k = 1, 5 do
        ok = ok and c[4] == nf("NFKC", c[k]) and c[5] == nf("NFKD", c[k])
      end
      if not ok then failures[#failures + 1] = i end
    end
    assert.are.same({}, failures)
  end)

  it("leaves every code point outside Part 1 unchanged in all four forms", function()
    local changed = {}
    for _, form in ipairs({ "NFC", "NFD", "NFKC", "NFKD" }) do
      local batch, cps = {}, {}
      local function check()
        local s = table.concat(batch, " ")
        if nf(form, s) ~= s then
          for _, cp in ipairs(cps) do
            local one = utf8.char(cp)
            if nf(form, one) ~= one then changed[#changed + 1] = ("%s U+%04X"):format(form, cp) end
          end
        end
        batch, cps = {}, {}
      end
      for cp = 0, 0x10FFFF do
        if not part1[cp] and (cp < 0xD800 or cp > 0xDFFF) then
          batch[#batch + 1] = utf8.char(cp)
          cps[#cps + 1] = cp
          if #batch == 4096 then check() end
        end
      end
      check()
    end
    assert.are.same({}, changed)
  end)
end)
