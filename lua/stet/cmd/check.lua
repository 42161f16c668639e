-- stet check: runs the cases beside rule files and shows a diff for each
-- failure. A rule file RULE.lua has its cases in RULE.cases/: NAME.txt (or
-- NAME.txt.gz, NAME.jsonl with one record) is the input page, NAME.json the
-- expected record; only the keys given there are compared.

local stet = require "stet"
local args = require "stet.args"
local setup = require "stet.setup"
local rules = require "stet.rules"
local readers = require "stet.readers"
local document = require "stet.document"

local check = {
  summary = "run the cases of rule files and show a diff for each failure",
  usage = "stet check [options] [RULES...]",
  description = [[
RULES are rule files or folders of them (default: examples/sites). For each
rule file RULE.lua, every input in RULE.cases/ is cleaned with that site's
rules (no boilerplate filter, no duplicates) and compared with the expected
record NAME.json (keys: title, date, authors, text, site, dropped).
Exits 0 when every case passes, 2 when one fails.]],
  options = {
    { name = "verbose", short = "v", help = "also print passing cases" },
    { name = "mojibake", default = true, help = "repair mojibake as clean does" },
  },
}

local KEYS = { "site", "title", "date", "authors", "dropped", "text" }

-- A line diff of two texts (longest common subsequence), "-" expected, "+" got.
function check.diff(want, got)
  local a, b = {}, {}
  for l in (want .. "\n"):gmatch("(.-)\n") do a[#a + 1] = l end
  for l in (got .. "\n"):gmatch("(.-)\n") do b[#b + 1] = l end
  local n, m = #a, #b
  local L = {}
  for i = n + 1, 1, -1 do
    L[i] = {}
    for j = m + 1, 1, -1 do
      if i > n or j > m then L[i][j] = 0
      elseif a[i] == b[j] then L[i][j] = L[i + 1][j + 1] + 1
      else L[i][j] = math.max(L[i + 1][j], L[i][j + 1]) end
    end
  end
  local out, i, j = {}, 1, 1
  while i <= n or j <= m do
    if i <= n and j <= m and a[i] == b[j] then
      out[#out + 1] = "    " .. a[i]; i = i + 1; j = j + 1
    elseif i <= n and (j > m or L[i + 1][j] >= L[i][j + 1]) then
      out[#out + 1] = "  - " .. a[i]; i = i + 1
    else
      out[#out + 1] = "  + " .. b[j]; j = j + 1
    end
  end
  return table.concat(out, "\n")
end

local function show(v)
  if v == nil or v == require("cjson").null then return "null" end
  if type(v) == "table" then
    local parts = {}
    for _, x in ipairs(v) do parts[#parts + 1] = ("%q"):format(x) end
    return "[" .. table.concat(parts, ", ") .. "]"
  end
  return ("%q"):format(v)
end

local function same(a, b)
  local null = require("cjson").null
  if a == null then a = nil end
  if b == null then b = nil end
  if type(a) == "table" and type(b) == "table" then
    if #a ~= #b then return false end
    for i = 1, #a do if a[i] ~= b[i] then return false end end
    return true
  end
  if type(a) == "table" and #a == 0 and b == nil then return true end
  return a == b
end

local function list(dir, suffixes)
  local names = stet.listdir(dir) or {}
  local out = {}
  for _, name in ipairs(names) do
    for _, suf in ipairs(suffixes) do
      if name:sub(-#suf) == suf then out[#out + 1] = name:sub(1, -#suf - 1) .. "\0" .. suf end
    end
  end
  return out
end

-- Runs the cases of one rule. Returns passed, failed.
local function run_rule(rule, ctx, opts)
  local dir = rule.file:gsub("%.lua$", "") .. ".cases"
  if stet.stat(dir) ~= "dir" then return 0, 0 end
  local passed, failed = 0, 0
  local cjson = require("cjson").new()
  for _, entry in ipairs(list(dir, { ".txt", ".txt.gz", ".txt.zst", ".jsonl" })) do
    local case, suffix = entry:match("^(.-)%z(.*)$")
    local input = dir .. "/" .. case .. suffix
    local problems = {}
    local f = io.open(dir .. "/" .. case .. ".json", "rb")
    local expected
    if not f then
      problems[#problems + 1] = "  no expected record " .. case .. ".json"
    else
      local ok, v = pcall(cjson.decode, f:read("a"))
      f:close()
      if ok and type(v) == "table" then expected = v
      else problems[#problems + 1] = "  " .. case .. ".json does not parse: " .. tostring(v) end
    end
    local got
    if expected then
      local it = readers.open({ input }, ctx.reader)
      local raw = it()
      local doc, err
      if not raw then err = "no document in " .. input
      elseif raw.reject then err = raw.reject
      else doc, err = document.process(raw, ctx) end
      if not doc then
        problems[#problems + 1] = "  rejected: " .. tostring(err)
      else
        got = {
          site = doc.site, title = doc.title, date = doc.date, authors = doc.authors,
          dropped = doc.dropped, text = table.concat(document.body(doc), "\n\n"),
        }
        for _, k in ipairs(KEYS) do
          if expected[k] ~= nil and not same(expected[k], got[k]) then
            if k == "text" and type(expected.text) == "string" then
              problems[#problems + 1] = "  text differs (- expected, + got):\n" .. check.diff(expected.text, got.text)
            else
              problems[#problems + 1] = ("  %s: expected %s, got %s"):format(k, show(expected[k]), show(got[k]))
            end
          end
        end
      end
    end
    if #problems == 0 then
      passed = passed + 1
      if opts.verbose then io.stdout:write(("ok    %s: %s\n"):format(rule.name, case)) end
    else
      failed = failed + 1
      io.stdout:write(("FAIL  %s: %s (%s)\n%s\n"):format(rule.name, case, input, table.concat(problems, "\n")))
    end
  end
  return passed, failed
end

function check.run(opts, paths)
  if #paths == 0 then
    if stet.stat("examples/sites") ~= "dir" then args.usage_error("check", "give rule files or folders") end
    paths = { "examples/sites" }
  end
  local reg = rules.registry(paths)
  local passed, failed = 0, 0
  for _, rule in ipairs(reg.list) do
    local ctx = setup.context({ mojibake = opts.mojibake, ["text-field"] = "text" }, {})
    ctx.registry = reg
    ctx.site = rule.name
    local p, f = run_rule(rule, ctx, opts)
    passed, failed = passed + p, failed + f
  end
  io.stdout:write(("%d cases: %d passed, %d failed\n"):format(passed + failed, passed, failed))
  return failed > 0 and 2 or 0
end

return check
