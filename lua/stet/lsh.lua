-- stet.lsh: locality-sensitive hashing over MinHash signatures, to find
-- near-duplicate documents.
--
--   local index = stet.lsh{ bands = 14, threshold = 0.7 }
--   index:add(id, stet.minhash(text))     -- id: a number or a string
--   index:candidates(sig) -> sorted ids sharing at least one band with sig
--   index:clusters() -> { {id, id, ...}, ... }
--
-- A signature of H values is cut into `bands` bands of H / bands rows; two
-- signatures are candidates when one band is equal. The index itself is in
-- C (core/lsh.c); this layer keeps the ids and checks the signatures. clusters() joins (with
-- union-find) every candidate pair whose estimated similarity is at least
-- `threshold`, and returns the groups of two or more ids, each sorted, the
-- groups sorted by their first id (numbers before strings). The result does
-- not depend on the order of the adds.

local core = require "stet.core"

local lsh = {}

local Index = {}
Index.__index = Index

-- Numbers before strings, then natural order: a total order on ids.
local function id_less(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta == "number" end
  return a < b
end
lsh.id_less = id_less

function lsh.new(opts)
  opts = opts or {}
  local bands = opts.bands or 14
  local threshold = opts.threshold or 0.7
  if math.type(bands) ~= "integer" or bands < 1 then
    error("stet.lsh: bands must be a positive integer", 2)
  end
  if type(threshold) ~= "number" or threshold < 0 or threshold > 1 then
    error("stet.lsh: threshold must be a number in [0, 1]", 2)
  end
  return setmetatable({ bands = bands, threshold = threshold, index = nil, ids = {},
                        numbers = {}, count = 0, header = nil, width = nil }, Index)
end

-- Checks sig against the index's signature shape (the first signature seen
-- sets it, and creates the C index, core/lsh.c).
-- (The header bytes are compared as numbers: no string made per call.)
local byte = string.byte
function Index:_check(sig, level)
  if type(sig) ~= "string" or #sig < 8 or byte(sig, 1) ~= 77 then -- "M"
    error("stet.lsh: not a signature", level + 1)
  end
  local values = (#sig - 4) // 4
  local b2, b3, b4 = byte(sig, 2, 4)
  if not self.header then
    if values % self.bands ~= 0 then
      error(("stet.lsh: %d hashes do not split into %d bands"):format(values, self.bands), level + 1)
    end
    self.header, self.width = b2 | b3 << 8 | b4 << 16, (values // self.bands) * 4
    self.index = core.lsh_index(self.bands, self.width)
  elseif (b2 | b3 << 8 | b4 << 16) ~= self.header or #sig ~= 4 + self.width * self.bands then
    error("stet.lsh: signature made with other options than the first one", level + 1)
  end
end

function Index:add(id, sig)
  if id == nil or (type(id) ~= "number" and type(id) ~= "string") then
    error("stet.lsh: id must be a number or a string", 2)
  end
  if self.numbers[id] then error("stet.lsh: id " .. tostring(id) .. " added twice", 2) end
  self:_check(sig, 2)
  self.index:add(sig)
  local n = self.count + 1
  self.count = n
  self.ids[n] = id
  self.numbers[id] = n
end

function Index:size() return self.count end

function Index:candidates(sig)
  self:_check(sig, 2)
  local ids, out = self.ids, self.index:candidates(sig)
  for i = 1, #out do out[i] = ids[out[i]] end
  table.sort(out, id_less)
  return out
end

function Index:clusters()
  if not self.index then return {} end
  local ids, out = self.ids, self.index:clusters(self.threshold)
  for _, g in ipairs(out) do
    for i = 1, #g do g[i] = ids[g[i]] end
    table.sort(g, id_less)
  end
  table.sort(out, function(x, y) return id_less(x[1], y[1]) end)
  return out
end

return lsh
