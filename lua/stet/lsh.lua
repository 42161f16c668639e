-- stet.lsh: locality-sensitive hashing over MinHash signatures, to find
-- near-duplicate documents.
--
--   local index = stet.lsh{ bands = 14, threshold = 0.7 }
--   index:add(id, stet.minhash(text))     -- id: a number or a string
--   index:candidates(sig) -> sorted ids sharing at least one band with sig
--   index:clusters() -> { {id, id, ...}, ... }
--
-- A signature of H values is cut into `bands` bands of H / bands rows; two
-- signatures are candidates when one band is equal. clusters() joins (with
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
  local buckets = {}
  for b = 1, bands do buckets[b] = {} end
  return setmetatable({ bands = bands, threshold = threshold, buckets = buckets,
                        sigs = {}, count = 0, header = nil, width = nil }, Index)
end

-- The band strings of sig, checked against the index's signature shape.
function Index:_bands(sig, level)
  if type(sig) ~= "string" or #sig < 8 or sig:sub(1, 1) ~= "M" then
    error("stet.lsh: not a signature", level + 1)
  end
  local values = (#sig - 4) // 4
  if not self.header then
    if values % self.bands ~= 0 then
      error(("stet.lsh: %d hashes do not split into %d bands"):format(values, self.bands), level + 1)
    end
    self.header, self.width = sig:sub(1, 4), (values // self.bands) * 4
  elseif sig:sub(1, 4) ~= self.header or #sig ~= 4 + self.width * self.bands then
    error("stet.lsh: signature made with other options than the first one", level + 1)
  end
  local out, w = {}, self.width
  for b = 1, self.bands do out[b] = sig:sub(5 + (b - 1) * w, 4 + b * w) end
  return out
end

function Index:add(id, sig)
  if id == nil or (type(id) ~= "number" and type(id) ~= "string") then
    error("stet.lsh: id must be a number or a string", 2)
  end
  if self.sigs[id] then error("stet.lsh: id " .. tostring(id) .. " added twice", 2) end
  local bands = self:_bands(sig, 2)
  self.sigs[id] = sig
  self.count = self.count + 1
  for b = 1, self.bands do
    local bucket = self.buckets[b]
    local list = bucket[bands[b]]
    if list then list[#list + 1] = id else bucket[bands[b]] = { id } end
  end
end

function Index:size() return self.count end

function Index:candidates(sig)
  local bands = self:_bands(sig, 2)
  local seen, out = {}, {}
  for b = 1, self.bands do
    local list = self.buckets[b][bands[b]]
    if list then
      for _, id in ipairs(list) do
        if not seen[id] then seen[id] = true out[#out + 1] = id end
      end
    end
  end
  table.sort(out, id_less)
  return out
end

function Index:clusters()
  local parent = {}
  local function find(x)
    local root = x
    while parent[root] and parent[root] ~= root do root = parent[root] end
    while x ~= root do
      local next = parent[x]
      parent[x] = root
      x = next
    end
    return root
  end
  local sigs, threshold, similarity = self.sigs, self.threshold, core.similarity
  for b = 1, self.bands do
    for _, list in pairs(self.buckets[b]) do
      if #list > 1 then
        for i = 1, #list - 1 do
          local a = list[i]
          for j = i + 1, #list do
            local c = list[j]
            local ra, rc = find(a), find(c)
            if ra ~= rc and similarity(sigs[a], sigs[c]) >= threshold then
              if id_less(ra, rc) then parent[rc] = ra else parent[ra] = rc end
            end
          end
        end
      end
    end
  end
  local groups, out = {}, {}
  for id in pairs(sigs) do
    local r = find(id)
    local g = groups[r]
    if not g then g = {} groups[r] = g end
    g[#g + 1] = id
  end
  for _, g in pairs(groups) do
    if #g > 1 then
      table.sort(g, id_less)
      out[#out + 1] = g
    end
  end
  table.sort(out, function(x, y) return id_less(x[1], y[1]) end)
  return out
end

return lsh
