-- bench/gen_distinct.lua: a JSON Lines file of N distinct paragraphs, for
-- the counting table's memory target (`make bench`: N distinct paragraphs
-- counted in under 300 MB of peak memory).
--
--   lua5.4 bench/gen_distinct.lua N OUT
--
-- 100 paragraphs a document, each "Story <w> from the council desk." with
-- <w> a word of letters made from the paragraph's number: the keys differ
-- (a number would not tell them apart, keys map every digit to "0"). The
-- same N gives the same bytes.
local n, out = math.tointeger(tonumber(arg[1] or "")), arg[2]
if not n or n <= 0 or not out then
  io.stderr:write("usage: lua5.4 bench/gen_distinct.lua N OUT\n")
  os.exit(2)
end

local char, concat = string.char, table.concat
local function word(i)
  local w = {}
  repeat
    w[#w + 1] = char(97 + i % 26)
    i = i // 26
  until i == 0
  return concat(w)
end

local f = assert(io.open(out .. ".tmp", "wb"))
local per_doc, i = 100, 0
while i < n do
  local paras = {}
  for k = 1, math.min(per_doc, n - i) do
    paras[k] = "Story " .. word(i + k - 1) .. " from the council desk."
  end
  i = i + #paras
  f:write('{"site": "distinct", "text": "', concat(paras, "\\n\\n"), '"}\n')
end
assert(f:close())
assert(os.rename(out .. ".tmp", out))
