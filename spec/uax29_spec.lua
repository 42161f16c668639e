-- spec/uax29_spec.lua: every test line of Unicode's GraphemeBreakTest.txt,
-- WordBreakTest.txt and SentenceBreakTest.txt (Debian's unicode-data, read
-- here at test time) through stet.segments. 100%, no skips.
local stet = require "stet"

local DIR = "/usr/share/unicode/auxiliary/"

-- Parses one test file into { {text = s, want = {segments...}, line = n} }.
local function load_cases(name)
  local cases = {}
  local n = 0
  for line in io.lines(DIR .. name) do
    n = n + 1
    local data = line:gsub("#.*", "")
    if data:match("%S") then
      local want, cur, all = {}, {}, {}
      for tok in data:gmatch("%S+") do
        if tok == "\u{F7}" then -- division sign: a boundary
          if #cur > 0 then
            want[#want + 1] = table.concat(cur)
            cur = {}
          end
        elseif tok ~= "\u{D7}" then -- multiplication sign: no boundary
          local ch = utf8.char(tonumber(tok, 16))
          cur[#cur + 1] = ch
          all[#all + 1] = ch
        end
      end
      cases[#cases + 1] = { text = table.concat(all), want = want, line = n }
    end
  end
  return cases
end

local function show(list)
  local parts = {}
  for _, s in ipairs(list) do
    local cps = {}
    for _, c in utf8.codes(s) do cps[#cps + 1] = ("%04X"):format(c) end
    parts[#parts + 1] = table.concat(cps, " ")
  end
  return "[" .. table.concat(parts, " | ") .. "]"
end

for _, t in ipairs({
  { file = "GraphemeBreakTest.txt", kind = "grapheme", min = 600 },
  { file = "WordBreakTest.txt", kind = "word", min = 1800 },
  { file = "SentenceBreakTest.txt", kind = "sentence", min = 500 },
}) do
  describe("UAX #29 " .. t.kind .. " boundaries", function()
    local cases = load_cases(t.file)
    it("pass all " .. #cases .. " lines of " .. t.file, function()
      assert.is_true(#cases >= t.min, "too few test lines read")
      local failed = {}
      for _, c in ipairs(cases) do
        local got = stet.segments(c.text, t.kind)
        local ok = #got == #c.want
        for i = 1, #got do ok = ok and got[i] == c.want[i] end
        if not ok then
          failed[#failed + 1] = ("line %d: want %s got %s"):format(c.line, show(c.want), show(got))
        end
      end
      assert.are.equal(0, #failed, table.concat(failed, "\n", 1, math.min(#failed, 10)))
    end)
  end)
end
