-- spec/support/helpers.lua: what several specs share.
local helpers = {}

-- The host binary under test: bin/stet, or bin/stet-asan in the sanitizer run.
helpers.bin = os.getenv("STET_BIN") or "bin/stet"

local function shell_quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end
helpers.quote = shell_quote

-- Runs the host with the given arguments (an array), optionally feeding
-- stdin and setting environment variables (a table). Returns stdout, stderr,
-- exit code.
function helpers.run(argv, stdin, env)
  local dir = os.tmpname()
  os.remove(dir)
  local inpath, outpath, errpath = dir .. ".in", dir .. ".out", dir .. ".err"
  local parts = { shell_quote(helpers.bin) }
  for _, a in ipairs(argv) do parts[#parts + 1] = shell_quote(a) end
  local cmd = table.concat(parts, " ")
  for k, v in pairs(env or {}) do cmd = k .. "=" .. shell_quote(v) .. " " .. cmd end
  if stdin then
    local f = assert(io.open(inpath, "wb"))
    f:write(stdin)
    f:close()
    cmd = cmd .. " < " .. inpath
  else
    cmd = cmd .. " < /dev/null"
  end
  cmd = cmd .. " > " .. outpath .. " 2> " .. errpath
  local _, _, code = os.execute(cmd)
  local function slurp(p)
    local f = io.open(p, "rb")
    if not f then return "" end
    local s = f:read("a")
    f:close()
    os.remove(p)
    return s
  end
  os.remove(inpath)
  return slurp(outpath), slurp(errpath), code
end

-- Writes s to a fresh temporary file and returns its path.
function helpers.tempfile(s, suffix)
  local path = os.tmpname()
  if suffix then
    os.remove(path)
    path = path .. suffix
  end
  return helpers.write(path, s)
end

-- Makes a fresh temporary folder holding `files` (relative path -> content)
-- and returns its path.
function helpers.tree(files)
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute("mkdir -p " .. shell_quote(dir)))
  for rel, content in pairs(files or {}) do
    local path = dir .. "/" .. rel
    local parent = path:match("^(.*)/[^/]*$")
    assert(os.execute("mkdir -p " .. shell_quote(parent)))
    helpers.write(path, content)
  end
  return dir
end

-- Writes s to path (bytes as they are) and returns path.
function helpers.write(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
  return path
end

-- Runs a shell command that must succeed.
function helpers.sh(cmd)
  assert(os.execute(cmd), "command failed: " .. cmd)
end

-- Removes a folder made by helpers.tree.
function helpers.rmtree(dir)
  os.execute("rm -rf " .. shell_quote(dir))
end

-- Reads a whole file (nil when missing).
function helpers.slurp(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

-- A distinct word of letters for each n >= 0: paragraphs told apart by
-- numbers would all have the same key (keys map every digit to "0").
function helpers.word(n)
  local w = {}
  repeat
    w[#w + 1] = string.char(97 + n % 26)
    n = n // 26
  until n == 0
  return table.concat(w)
end

-- Decodes JSON Lines into an array of tables.
function helpers.jsonl(s)
  local cjson = require("cjson").new()
  local out = {}
  for line in s:gmatch("[^\n]+") do out[#out + 1] = cjson.decode(line) end
  return out
end

return helpers
