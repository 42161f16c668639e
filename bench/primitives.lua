-- bench/primitives.lua: times one C primitive over a file held in memory.
--   stet run bench/primitives.lua KIND FILE [REPEAT]
-- KIND: normalize, paragraphs, lines, sentences, words, fingerprints,
-- minhash. Prints the best wall time in seconds of REPEAT runs (default 3)
-- of stet._throughput (nothing is built for Lua; see core/lua_bench.c) or,
-- for minhash, of stet.minhash over the documents (form feed separated or
-- blank-line paragraphs of about 5 KB).
local kind, path, rep = arg[1], arg[2], tonumber(arg[3]) or 3
local f = assert(io.open(path, "rb"))
local s = f:read("a")
f:close()
local abbrevs
if kind == "sentences" then
  abbrevs = stet.abbrevs and stet.abbrevs((require "stet.abbreviations")) or
    require("stet.core").abbrevs((require "stet.abbreviations"))
end
local chunks
if kind == "minhash" then
  chunks = {}
  local pos = 1
  while pos <= #s do
    local stop = s:find("\n\n", pos + 5000, true) or #s
    chunks[#chunks + 1] = s:sub(pos, stop)
    pos = stop + 1
  end
end
local best
for _ = 1, rep do
  local t = stet.clock()
  if chunks then
    for _, c in ipairs(chunks) do stet.minhash(c) end
  else
    stet._throughput(kind, s, abbrevs)
  end
  local dt = stet.clock() - t
  best = (best == nil or dt < best) and dt or best
end
print(("%.6f"):format(best))
