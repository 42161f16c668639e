-- core/gen/ucd.lua: helpers shared by the table generators.
--
-- Reads files of the Unicode Character Database (as Debian's unicode-data
-- installs them) and writes C two-stage lookup tables. A generator script
-- (core/gen/<name>.lua) is run by the Makefile as
--     lua5.4 core/gen/<name>.lua UCD_DIR > build/gen/<name>.h
-- and never edited by hand afterwards.

local ucd = {}

local MAX = 0x10FFFF

-- Opens a UCD file under dir, raising a clear error when it is missing.
function ucd.open(dir, rel)
  local path = dir .. "/" .. rel
  local f, err = io.open(path, "r")
  if not f then
    error("cannot read " .. path .. " (" .. tostring(err) ..
          "); install Debian's unicode-data package", 0)
  end
  return f, path
end

-- The Unicode version a UCD file states in its first line ("Foo-15.0.0.txt").
function ucd.version(dir, rel)
  local f = ucd.open(dir, rel)
  local first = f:read("l") or ""
  f:close()
  return first:match("%-(%d+%.%d+%.%d+)%.txt") or "unknown"
end

-- Iterates the data lines of a semicolon-separated UCD file, yielding
-- lo, hi, fields (fields[1] is the code point column, trimmed; comments cut).
function ucd.lines(dir, rel)
  local f = ucd.open(dir, rel)
  return coroutine.wrap(function()
    for line in f:lines() do
      local data = line:gsub("#.*", "")
      if data:match("%S") then
        local fields = {}
        for field in (data .. ";"):gmatch("([^;]*);") do
          fields[#fields + 1] = field:match("^%s*(.-)%s*$")
        end
        local lo, hi = fields[1]:match("^(%x+)%.%.(%x+)$")
        if not lo then lo = fields[1]; hi = lo end
        coroutine.yield(tonumber(lo, 16), tonumber(hi, 16), fields)
      end
    end
    f:close()
  end)
end

-- A property array over all code points, default value v0.
function ucd.new_array(v0)
  return setmetatable({}, { __index = function() return v0 end })
end

-- Builds a two-stage table for values[0..0x10FFFF] (small integers) and
-- returns C source text declaring
--   static const <stage1 type> <name>_stage1[0x110000 >> shift];
--   static const <ctype> <name>_stage2[];
--   static inline <ctype> <name>(uint32_t cp);
-- Identical blocks of 2^shift entries are stored once.
function ucd.two_stage(name, values, ctype, shift)
  shift = shift or 7
  local block = 1 << shift
  local blocks, index, stage1 = {}, {}, {}
  for b = 0, (MAX + 1) // block - 1 do
    local parts = {}
    for i = 0, block - 1 do parts[#parts + 1] = values[b * block + i] end
    local key = table.concat(parts, ",")
    local id = index[key]
    if not id then
      blocks[#blocks + 1] = key
      id = #blocks - 1
      index[key] = id
    end
    stage1[#stage1 + 1] = id
  end
  local s1type = #blocks <= 256 and "uint8_t" or "uint16_t"
  local out = {}
  local function emit(s) out[#out + 1] = s end
  emit(("static const %s %s_stage1[%d] = {"):format(s1type, name, #stage1))
  for i = 1, #stage1, 24 do
    emit("  " .. table.concat(stage1, ",", i, math.min(i + 23, #stage1)) .. ",")
  end
  emit("};")
  emit(("static const %s %s_stage2[%d] = {"):format(ctype, name, #blocks * block))
  for _, key in ipairs(blocks) do emit("  " .. key .. ",") end
  emit("};")
  emit(("static inline %s %s(uint32_t cp) {"):format(ctype, name))
  emit(("  if (cp > 0x10FFFF) return 0;"))
  emit(("  return %s_stage2[((uint32_t)%s_stage1[cp >> %d] << %d) | (cp & %d)];")
       :format(name, name, shift, shift, block - 1))
  emit("}")
  return table.concat(out, "\n") .. "\n", #stage1 * (s1type == "uint8_t" and 1 or 2) +
         #blocks * block
end

return ucd
