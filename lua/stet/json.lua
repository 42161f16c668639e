-- stet.json: JSON output with a fixed key order, so records are byte-for-byte
-- repeatable. (Input JSON is parsed with lua-cjson in stet.readers; cjson's
-- encoder orders keys by hash and escapes "/", so records are written here.)

local json = {}

local escapes = {
  ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
  ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
}
for b = 0, 31 do
  local c = string.char(b)
  escapes[c] = escapes[c] or ("\\u%04x"):format(b)
end
escapes["\127"] = "\\u007f"

-- A JSON string literal for s (UTF-8 passes through unescaped). The C
-- version (stet.json_quote) is used when the core is loaded.
local ok_core, core = pcall(require, "stet.core")
if ok_core and core.json_quote then
  json.string = core.json_quote
else
  function json.string(s)
    return '"' .. s:gsub('[%c"\\]', escapes) .. '"'
  end
end

local function is_array(t)
  local n = #t
  if n > 0 then return true end
  return next(t) == nil and getmetatable(t) == json.array_mt
end

-- Marks an empty table as an array ([] rather than {}).
json.array_mt = {}
function json.array(t) return setmetatable(t or {}, json.array_mt) end

local encode
local has_cjson, cjson = pcall(require, "cjson")
local cjson_null = has_cjson and cjson.null or json

local function encode_table(t, keys, out)
  if is_array(t) then
    out[#out + 1] = "["
    for i = 1, #t do
      if i > 1 then out[#out + 1] = ", " end
      encode(t[i], nil, out)
    end
    out[#out + 1] = "]"
    return
  end
  local mt = getmetatable(t)
  keys = keys or (mt and mt.__jsonkeys)
  if not keys then
    keys = {}
    for k in pairs(t) do keys[#keys + 1] = tostring(k) end
    table.sort(keys)
  end
  out[#out + 1] = "{"
  local first = true
  for _, k in ipairs(keys) do
    if not first then out[#out + 1] = ", " end
    first = false
    out[#out + 1] = json.string(k)
    out[#out + 1] = ": "
    encode(t[k], nil, out)
  end
  out[#out + 1] = "}"
end

function encode(v, keys, out)
  local tv = type(v)
  if v == nil or v == json.null or v == cjson_null then
    out[#out + 1] = "null"
  elseif tv == "string" then
    out[#out + 1] = json.string(v)
  elseif tv == "number" then
    if math.type(v) == "integer" then
      out[#out + 1] = tostring(v)
    elseif v ~= v or v == math.huge or v == -math.huge then
      out[#out + 1] = "null"
    else
      out[#out + 1] = ("%.17g"):format(v)
    end
  elseif tv == "boolean" then
    out[#out + 1] = tostring(v)
  elseif tv == "table" then
    encode_table(v, keys, out)
  else
    out[#out + 1] = json.string(tostring(v))
  end
end

-- Marks t as an object whose keys are written in the order of `keys`.
-- The JSON array of the strings of list's values (tostring of each), "[]"
-- for an empty or absent list: how records write their authors.
function json.string_array(list)
  if not list or #list == 0 then return "[]" end
  local quote, parts = json.string, {}
  for i, a in ipairs(list) do parts[i] = quote(tostring(a)) end
  return "[" .. table.concat(parts, ", ") .. "]"
end

function json.ordered(t, keys) return setmetatable(t, { __jsonkeys = keys }) end

-- A sentinel for an explicit null inside tables.
json.null = setmetatable({}, { __tostring = function() return "null" end })

-- Encodes v. For an object, `keys` (optional) fixes the order of its keys;
-- keys listed whose value is nil are written as null. Other objects have
-- their keys sorted.
function json.encode(v, keys)
  local out = {}
  encode(v, keys, out)
  return table.concat(out)
end

return json
