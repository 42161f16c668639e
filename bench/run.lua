-- bench/run.lua: the `make bench` driver (bench/run.sh starts it).
--
-- Generates the corpus once (cached under bench/out/ by size, seed and
-- generator version), then times, in one run and on the same files, the
-- yardsticks (cat, wc -l, wc -w), the baselines (uconv, the Python scripts in
-- bench/baselines/) and every stet command that exists yet (`stet help NAME`
-- exits 0); a command that does not exist is shown as n/a. The commands run
-- in BENCH_RUNS rounds, each command once per round, so that the ratios
-- between rows compare runs from the same minutes. Each row is the best
-- wall time of its runs, with the peak RSS from /usr/bin/time, and the CPU
-- time of the command (GNU time's %U user + %S system seconds, the least of
-- the runs): MB per CPU second is the speed per core, which other load on
-- the machine moves less than the wall time. Ratios are also given as the
-- median of the rounds' own ratios (x_wc_w_paired, speedup_paired).
-- Prints a table and writes bench/out/results-<commit>.json and latest.json.
--
-- Environment: BENCH_MB (200), BENCH_SEED (42), BENCH_RUNS (3),
-- BENCH_SLICE_MB (20: the slow baselines read a slice of this size),
-- BENCH_JOBS (online cores, for `stet clean -j N`), BENCH_TIMEOUT (seconds per
-- run, 900), BENCH_OUT (bench/out), STET (bin/stet), BENCH_PYTHON,
-- BENCH_CLEAN_ARGS (extra arguments for stet clean), BENCH_ONLY (a Lua
-- pattern: time only the rows whose name matches it, plus wc -w for the
-- ratios; e.g. BENCH_ONLY='stet hash'), BENCH_DISTINCT (10000000: the
-- distinct paragraphs of the counting table's memory row, a file made once
-- by bench/gen_distinct.lua).

local function env(name, default)
  local v = os.getenv(name)
  if v == nil or v == "" then return default end
  return v
end

local function die(msg)
  io.stderr:write("bench: " .. msg .. "\n")
  os.exit(2)
end

local function num_env(name, default)
  local v = tonumber(env(name, default))
  if not v or v <= 0 then die(name .. " wants a positive number") end
  return v
end

local function q(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

-- Runs a shell command, returns its stdout (trimmed) and whether it succeeded.
local function capture(cmd)
  local p = io.popen(cmd .. " 2>/dev/null")
  local out = p:read("a")
  local ok = p:close()
  return (out:gsub("%s+$", "")), ok
end

local function file_size(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local n = f:seek("end")
  f:close()
  return n
end

local function slurp(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

local function spit(path, s)
  local f = assert(io.open(path .. ".tmp", "wb"))
  f:write(s)
  f:close()
  assert(os.rename(path .. ".tmp", path))
end

local MB = num_env("BENCH_MB", "200")
local SEED = math.tointeger(num_env("BENCH_SEED", "42")) or die("BENCH_SEED wants an integer")
local RUNS = math.tointeger(num_env("BENCH_RUNS", "3")) or die("BENCH_RUNS wants an integer")
local SLICE_MB = num_env("BENCH_SLICE_MB", "20")
local TIMEOUT = num_env("BENCH_TIMEOUT", "900")
local OUT = env("BENCH_OUT", "bench/out")
local STET = env("STET", "bin/stet")
local CORES = tonumber((capture("nproc"))) or 1
local JOBS = math.tointeger(num_env("BENCH_JOBS", tostring(CORES))) or die("BENCH_JOBS wants an integer")
local PYTHON = env("BENCH_PYTHON", file_size("/usr/bin/python3") and "/usr/bin/python3" or "python3")
local CLEAN_ARGS = env("BENCH_CLEAN_ARGS", "")
local DISTINCT = math.tointeger(num_env("BENCH_DISTINCT", "10000000")) or die("BENCH_DISTINCT wants an integer")
local DISTINCT_TARGET_MB = 300 -- issue 4: 10 million distinct paragraphs in under 300 MB
local LOCALE = "C.UTF-8"

if not file_size("/usr/bin/time") then
  die("/usr/bin/time is missing: install Debian's `time` package (make deps does)")
end

local function have(cmd)
  local _, ok = capture("command -v " .. q(cmd))
  return ok
end

-- The corpus ----------------------------------------------------------------

local gen_sum = capture("cat bench/gen_corpus.lua bench/corpus_words.lua | cksum")
local corpus = ("%s/corpus-%smb-seed%d"):format(OUT, tostring(MB), SEED)
os.execute("mkdir -p " .. q(corpus) .. " " .. q(OUT .. "/tmp"))
if not (file_size(corpus .. "/manifest.json") and slurp(corpus .. "/generator") == gen_sum) then
  io.stderr:write(("bench: generating a %s MB corpus (seed %d) in %s\n"):format(tostring(MB), SEED, corpus))
  local ok = os.execute(("lua5.4 bench/gen_corpus.lua --mb %s --seed %d --out %s"):format(
    tostring(MB), SEED, q(corpus)))
  if not ok then die("the corpus generator failed") end
  spit(corpus .. "/generator", gen_sum)
end
local manifest = slurp(corpus .. "/manifest.json")
local DOCS = tonumber(manifest:match('"documents": (%d+)'))
local NEAR_DUPS = tonumber(manifest:match('"near_duplicates": (%d+)'))
local TEXT_BYTES = tonumber(manifest:match('"text_bytes": (%d+)'))
local NONASCII = tonumber(manifest:match('"non_ascii_share": ([%d.]+)'))

-- Inputs: name -> { path, bytes, docs }. The slice is the first documents
-- of the corpus up to BENCH_SLICE_MB, in both the text and JSONL forms.
local inputs = {
  txt = { path = corpus .. "/corpus.txt", label = "corpus.txt" },
  jsonl = { path = corpus .. "/corpus.jsonl", label = "corpus.jsonl" },
  dir = { path = corpus .. "/text", label = "text/", bytes = TEXT_BYTES, docs = DOCS },
}
inputs.txt.bytes, inputs.txt.docs = file_size(inputs.txt.path), DOCS
inputs.jsonl.bytes, inputs.jsonl.docs = file_size(inputs.jsonl.path), DOCS
local slice_bytes = math.floor(SLICE_MB * 1e6)
if TEXT_BYTES > slice_bytes * 1.5 then -- (a slice of nearly all of it would only mislabel)
  local k, txt_len = 0, 0
  for line in io.lines(corpus .. "/index.tsv") do
    local bytes = tonumber(line:match("^[^\t]*\t[^\t]*\t[^\t]*\t(%d+)\t"))
    if bytes then
      k, txt_len = k + 1, txt_len + bytes + 1
      if txt_len >= slice_bytes then break end
    end
  end
  local base = ("%s/slice-%smb"):format(corpus, tostring(SLICE_MB))
  if file_size(base .. ".txt") ~= txt_len or not file_size(base .. ".jsonl") then
    os.execute(("head -c %d %s > %s && head -n %d %s > %s"):format(txt_len, q(inputs.txt.path), q(base .. ".txt"),
      k, q(inputs.jsonl.path), q(base .. ".jsonl")))
  end
  inputs.slice_txt = { path = base .. ".txt", bytes = file_size(base .. ".txt"), docs = k,
    label = ("slice %s MB"):format(tostring(SLICE_MB)) }
  inputs.slice_jsonl = { path = base .. ".jsonl", bytes = file_size(base .. ".jsonl"), docs = k,
    label = ("slice %s MB jsonl"):format(tostring(SLICE_MB)) }
else
  inputs.slice_txt, inputs.slice_jsonl = inputs.txt, inputs.jsonl
end

-- The rows ------------------------------------------------------------------
-- kind groups a stet command with its baselines; `against` names the rows
-- whose best MB/s is "the best baseline of the same kind".

local TMP = OUT .. "/tmp"
local UCONV = { "uconv", "-f", "UTF-8", "-t", "UTF-8", "--from-callback", "substitute", "-x", "any-nfc" }
local function cmd(t, ...)
  local c = table.move(t, 1, #t, 1, {})
  for _, a in ipairs({ ... }) do c[#c + 1] = a end
  return c
end
-- sh -c CONCURRENT concurrent N CMD...: N runs of CMD at once; fails when
-- one of them does
local CONCURRENT = [[
n=$1; shift; i=0; pids=
while [ "$i" -lt "$n" ]; do "$@" & pids="$pids $!"; i=$((i + 1)); done
rc=0
for p in $pids; do wait "$p" || rc=$?; done
exit "$rc"
]]
local clean_extra = {}
for a in CLEAN_ARGS:gmatch("%S+") do clean_extra[#clean_extra + 1] = a end

-- What this machine gives JOBS jobs: JOBS independent `stet clean -j 1`
-- runs at once on input (nothing shared but the machine), their MB/s
-- together beside one run's (the row "stet clean -j 1" .. suffix); the
-- most "stet clean -j JOBS" .. suffix could reach here.
local function ceiling_row(input, suffix)
  return { name = ("stet clean -j 1 x%d at once%s"):format(JOBS, suffix), kind = "ceiling", stet = "clean",
    docs = true, copies = JOBS, input = input,
    argv = cmd({ "sh", "-c", CONCURRENT, "concurrent", tostring(JOBS), STET, "clean", "-j", "1" },
      table.unpack(clean_extra)),
    ceiling_of = "stet clean -j 1" .. suffix, for_row = "stet clean -j " .. JOBS .. suffix }
end

local rows = {
  { name = "cat", kind = "yardstick", argv = { "cat" }, input = "txt" },
  { name = "wc -l", kind = "yardstick", argv = { "wc", "-l" }, input = "txt" },
  { name = "wc -w", kind = "yardstick", argv = { "wc", "-w" }, input = "txt" },
  { name = "uconv -x any-nfc", kind = "normalize", baseline = true, needs = "uconv", argv = UCONV,
    input = "slice_txt" },
  { name = "python NFC", kind = "normalize", baseline = true, needs = PYTHON,
    argv = { PYTHON, "bench/baselines/normalize_nfc.py" }, input = "slice_txt" },
  { name = "python CCNet hash", kind = "hash", baseline = true, needs = PYTHON, docs = true,
    argv = { PYTHON, "bench/baselines/ccnet_hash.py" }, input = "slice_jsonl" },
  { name = "stet normalize", kind = "normalize", stet = "normalize", argv = { STET, "normalize" }, input = "txt",
    against = { "uconv -x any-nfc", "python NFC" } },
  -- the C primitives alone, on the corpus held in memory (bench/primitives.lua)
  { name = "core: normalize (NFC+cleanup)", kind = "normalize", internal = "normalize", input = "txt",
    against = { "uconv -x any-nfc", "python NFC" } },
  { name = "core: paragraphs", kind = "segment", internal = "paragraphs", input = "txt", against = { "wc -l" } },
  { name = "core: sentences", kind = "segment", internal = "sentences", input = "txt", against = { "wc -w" } },
  { name = "core: words", kind = "segment", internal = "words", input = "txt", against = { "wc -w" } },
  { name = "core: fingerprints", kind = "hash", internal = "fingerprints", input = "txt",
    against = { "python CCNet hash" } },
  { name = "core: minhash", kind = "hash", internal = "minhash", input = "txt", against = { "wc -w" } },
  { name = "stet segment --by paragraph", kind = "segment", stet = "segment",
    argv = { STET, "segment", "--by", "paragraph" }, input = "txt", against = { "wc -l" } },
  { name = "stet segment --by sentence", kind = "segment", stet = "segment",
    argv = { STET, "segment", "--by", "sentence" }, input = "txt", against = { "wc -w" } },
  { name = "stet segment --by word", kind = "segment", stet = "segment",
    argv = { STET, "segment", "--by", "word" }, input = "txt", against = { "wc -w" } },
  { name = "stet hash (text dir)", kind = "hash", stet = "hash", docs = true,
    argv = { STET, "hash", "-o", TMP .. "/hash-dir.tbl" }, input = "dir", against = { "python CCNet hash" } },
  { name = "stet hash (jsonl)", kind = "hash", stet = "hash", docs = true,
    argv = { STET, "hash", "-o", TMP .. "/hash-jsonl.tbl" }, input = "jsonl", against = { "python CCNet hash" } },
  -- the counting table's memory: every paragraph distinct (peak RSS)
  { name = ("stet hash (%dM distinct)"):format(DISTINCT // 1000000), kind = "hash", stet = "hash",
    docs = true, distinct = true, argv = { STET, "hash", "-o", TMP .. "/hash-distinct.tbl" },
    input = "distinct" },
  { name = "stet clean -j 1", kind = "clean", stet = "clean", docs = true,
    argv = cmd({ STET, "clean", "-j", "1" }, table.unpack(clean_extra)), input = "dir",
    against = { "python CCNet hash" } },
  { name = "stet clean -j " .. JOBS, kind = "clean", stet = "clean", docs = true,
    argv = cmd({ STET, "clean", "-j", tostring(JOBS) }, table.unpack(clean_extra)), input = "dir",
    against = { "python CCNet hash" }, speedup_over = "stet clean -j 1" },
  -- the same corpus as JSON Lines: one file, and title, url and date fields
  { name = "stet clean -j 1 (jsonl)", kind = "clean", stet = "clean", docs = true,
    argv = cmd({ STET, "clean", "-j", "1" }, table.unpack(clean_extra)), input = "jsonl",
    against = { "python CCNet hash" } },
  { name = "stet clean -j " .. JOBS .. " (jsonl)", kind = "clean", stet = "clean", docs = true,
    argv = cmd({ STET, "clean", "-j", tostring(JOBS) }, table.unpack(clean_extra)), input = "jsonl",
    against = { "python CCNet hash" }, speedup_over = "stet clean -j 1 (jsonl)" },
  ceiling_row("dir", ""),
  ceiling_row("jsonl", " (jsonl)"),
  -- the memory a big document costs: the corpus as one text file is one
  -- document (peak RSS beside its size)
  { name = "stet clean -j 1 (one doc)", kind = "memory", stet = "clean", bigdoc = true,
    argv = cmd({ STET, "clean", "-j", "1" }, table.unpack(clean_extra)), input = "txt" },
}

if JOBS == 1 then -- one core: -j N would repeat -j 1
  local kept = {}
  for _, row in ipairs(rows) do
    if not (row.speedup_over and row.name:find("^stet clean %-j 1") or row.ceiling_of) then
      kept[#kept + 1] = row
    end
  end
  rows = kept
end

local ONLY = env("BENCH_ONLY", nil)
if ONLY then
  local kept = {}
  for _, row in ipairs(rows) do
    if row.name == "wc -w" or row.name:find(ONLY) then kept[#kept + 1] = row end
  end
  rows = kept
end

-- The file of distinct paragraphs, made once (only when a row reads it).
for _, row in ipairs(rows) do
  if row.input == "distinct" and not inputs.distinct then
    local path = ("%s/distinct-%d.jsonl"):format(OUT, DISTINCT)
    if not file_size(path) then
      io.stderr:write(("bench: generating %d distinct paragraphs in %s\n"):format(DISTINCT, path))
      if not os.execute(("lua5.4 bench/gen_distinct.lua %d %s"):format(DISTINCT, q(path))) then
        die("bench/gen_distinct.lua failed")
      end
    end
    inputs.distinct = { path = path, bytes = file_size(path), docs = (DISTINCT + 99) // 100,
      label = ("distinct-%dM.jsonl"):format(DISTINCT // 1000000) }
  end
end

-- Timing ------------------------------------------------------------------------

-- One timed run: wall seconds (bash's EPOCHREALTIME around the command), peak
-- RSS in KB, user and system CPU seconds (GNU time's %M %U %S), and the exit
-- status. stdout goes to /dev/null.
local TIMER = [[
s=$EPOCHREALTIME
timeout "$BENCH_T" /usr/bin/time -f "%M %U %S" -o "$BENCH_RSS" "$@" > /dev/null 2> "$BENCH_ERR"
rc=$?
e=$EPOCHREALTIME
echo "$rc $s $e"
]]

local function run_once(argv)
  local rss_file, err_file = TMP .. "/rss", TMP .. "/stderr"
  local parts = { "LC_ALL=" .. LOCALE, "BENCH_T=" .. q(math.floor(TIMEOUT)), "BENCH_RSS=" .. q(rss_file),
    "BENCH_ERR=" .. q(err_file), "bash", "-c", q(TIMER), "bench" }
  for _, a in ipairs(argv) do parts[#parts + 1] = q(a) end
  local out = capture(table.concat(parts, " "))
  local rc, s, e = out:match("^(%d+) ([%d.]+) ([%d.]+)$")
  local rss, user, sys = (slurp(rss_file) or ""):match("(%d+) ([%d.]+) ([%d.]+)%s*$")
  local cpu = user and tonumber(user) + tonumber(sys)
  return tonumber(rc) or -1, (tonumber(e) or 0) - (tonumber(s) or 0), tonumber(rss), slurp(err_file) or "",
    cpu
end

-- Reads a row's input (a file, or every file of a folder) before each timed
-- run, untimed: this machine drops files from the page cache now and then,
-- and a run that read its input from disk would time the disk.
local function warm(path)
  os.execute(("find %s -type f -print0 | xargs -0 cat > /dev/null 2>&1"):format(q(path)))
end

local function stet_has(name)
  local ok = os.execute(q(STET) .. " help " .. q(name) .. " > /dev/null 2>&1")
  return ok == true
end

local function fmt_num(x, digits)
  if x == nil then return "-" end
  return string.format("%." .. (digits or 1) .. "f", x)
end

local by_name = {}
local failed = 0
io.stderr:write(("bench: %d round(s), every command once per round, best wall time; corpus %s (%d documents)\n"):format(
  RUNS, corpus, DOCS))
-- The C primitives time themselves (best of RUNS, in memory); rows that
-- cannot run say why. The rest run in rounds, below.
local timed = {}
for _, row in ipairs(rows) do
  by_name[row.name] = row
  local input = inputs[row.input]
  row.input_label, row.bytes, row.ndocs = input.label, input.bytes, input.docs
  if row.copies then -- several runs on the input: their bytes and documents together
    row.input_label = ("%dx %s"):format(row.copies, input.label)
    row.bytes, row.ndocs = row.copies * input.bytes, row.copies * input.docs
  end
  if row.argv then row.command = table.concat(row.argv, " ") .. " " .. input.path end
  if row.internal then
    local out = capture(("%s run bench/primitives.lua %s %s %d"):format(q(STET), row.internal, q(input.path), RUNS))
    local secs = tonumber(out:match("([%d.]+)%s*$"))
    if secs and secs > 0 then
      row.status, row.seconds = "ok", secs
      row.mb_per_s = row.bytes / 1e6 / secs
      row.note = "in memory, C only"
      row.command = ("stet run bench/primitives.lua %s %s"):format(row.internal, input.path)
      io.stderr:write(("bench: %-32s best of %d %8.3f s\n"):format(row.name, RUNS, secs))
    else
      row.status, row.note = "failed", (out:match("[^\n]*") or ""):sub(1, 160)
      failed = failed + 1
    end
  elseif row.stet and not stet_has(row.stet) then
    row.status = "n/a"
    row.note = "stet " .. row.stet .. " does not exist yet"
  elseif row.needs and not have(row.needs) then
    row.status = "n/a"
    row.note = row.needs .. " is not installed"
  else
    row.argv_full, row.times = cmd(row.argv, input.path), {}
    timed[#timed + 1] = row
  end
end
-- Rounds: each round runs every command once, in the table's order in odd
-- rounds and the reverse in even ones. The machine's speed drifts (it is
-- shared), so the runs of two rows are spread over the same minutes and
-- their ratios compare like with like; each row keeps its best run.
for r = 1, RUNS do
  local first, last, step = 1, #timed, 1
  if r % 2 == 0 then first, last, step = #timed, 1, -1 end
  for t = first, last, step do
    local row = timed[t]
    if row.status == nil then
      warm(inputs[row.input].path)
      local rc, secs, rss, err, cpu = run_once(row.argv_full)
      if rc ~= 0 then
        row.status = rc == 124 and "timeout" or "failed"
        row.note = ("exit %d: %s"):format(rc, (err:match("[^\n]*") or ""):sub(1, 160))
        failed = failed + 1
        io.stderr:write(("bench: %s %s (%s)\n"):format(row.name, row.status, row.note))
      else
        row.times[r] = secs
        row.seconds = math.min(row.seconds or secs, secs)
        if cpu then
          row.cpu_seconds = math.min(row.cpu_seconds or cpu, cpu)
          row.cpu_times = row.cpu_times or {}
          row.cpu_times[r] = cpu
        end
        row.rss_kb = math.max(row.rss_kb or 0, rss or 0)
        io.stderr:write(("bench: round %d/%d %-32s %8.3f s %8.2f s CPU\n"):format(r, RUNS, row.name, secs,
          cpu or 0))
      end
    end
  end
end
for _, row in ipairs(timed) do
  if row.status == nil then
    local input = inputs[row.input]
    row.status = "ok"
    row.mb_per_s = row.bytes / 1e6 / math.max(row.seconds, 1e-6)
    if row.cpu_seconds then -- GNU time counts in hundredths of a second
      row.mb_per_cpu_s = row.bytes / 1e6 / math.max(row.cpu_seconds, 0.01)
    end
    if row.docs then row.docs_per_s = row.ndocs / math.max(row.seconds, 1e-6) end
    if row.input:find("^slice") and input ~= inputs.txt and input ~= inputs.jsonl then
      row.note = "on a slice of the corpus (" .. input.label .. ")"
    end
    if row.bigdoc then
      local mb = (row.rss_kb or 0) / 1024
      row.x_doc_size = mb * 1024 * 1024 / row.bytes
      row.note = ("one document of %.0f MB cleaned in %.0f MB of peak memory, %.1f times its size")
        :format(row.bytes / 1e6, mb, row.x_doc_size)
    end
    if row.distinct then
      local mb = (row.rss_kb or 0) / 1024
      row.note = ("%d distinct paragraphs counted in %.0f MB of peak memory (target: under %d MB: %s)")
        :format(DISTINCT, mb, DISTINCT_TARGET_MB, mb < DISTINCT_TARGET_MB and "met" or "NOT met")
    end
  end
end

-- The median, over the rounds, of row a's MB per second of `field` (times:
-- wall seconds, the default; cpu_times: CPU seconds) over row b's in the
-- same round (nil unless both ran in at least one round). GNU time counts
-- CPU time in hundredths: a round with a zero is left out.
local function paired(a, b, field)
  field = field or "times"
  if not (a[field] and b[field]) then return nil end
  local ratios = {}
  for r = 1, RUNS do
    local ta, tb = a[field][r], b[field][r]
    if ta and tb and ta > 0 and tb > 0 then ratios[#ratios + 1] = (a.bytes / ta) / (b.bytes / tb) end
  end
  if #ratios == 0 then return nil end
  table.sort(ratios)
  local m = #ratios // 2
  return #ratios % 2 == 1 and ratios[m + 1] or (ratios[m] + ratios[m + 1]) / 2
end

-- Ratios: to wc -w, and to the best of the rows named in `against`.
local wcw = by_name["wc -w"]
for _, row in ipairs(rows) do
  if row.status == "ok" then
    if wcw.status == "ok" and row ~= wcw and not row.copies then
      row.x_wc_w, row.x_wc_w_paired = row.mb_per_s / wcw.mb_per_s, paired(row, wcw)
    end
    local best
    for _, name in ipairs(row.against or {}) do
      local b = by_name[name]
      if b and b.status == "ok" and (best == nil or b.mb_per_s > best.mb_per_s) then best = b end
    end
    if best then
      row.best_baseline, row.x_baseline = best.name, row.mb_per_s / best.mb_per_s
      if row.mb_per_cpu_s and best.mb_per_cpu_s then -- per core: CPU seconds
        row.x_baseline_cpu = row.mb_per_cpu_s / best.mb_per_cpu_s
        row.x_baseline_cpu_paired = paired(row, best, "cpu_times")
        if row.kind == "hash" and not row.internal then
          row.note = ("%.2fx %s per CPU second (per core; best runs), %s in the median round")
            :format(row.x_baseline_cpu, best.name,
              row.x_baseline_cpu_paired and ("%.2fx"):format(row.x_baseline_cpu_paired) or "-")
        end
      end
    end
    if row.kind == "clean" and row.x_wc_w_paired then
      row.note = ("%.2fx wc -w in the median round"):format(row.x_wc_w_paired)
    end
    local one = row.ceiling_of and by_name[row.ceiling_of]
    if one and one.status == "ok" then -- MB/s, as the rows read different amounts
      row.scaling, row.scaling_paired = row.mb_per_s / one.mb_per_s, paired(row, one)
      row.note = ("%d runs at once move %.2fx the MB/s of one (best runs), %s in the median round: "
        .. "the most %s could reach on this machine"):format(row.copies, row.scaling,
          row.scaling_paired and ("%.2fx"):format(row.scaling_paired) or "-", row.for_row)
    end
    local base = row.speedup_over and by_name[row.speedup_over]
    if base and base.status == "ok" then
      row.speedup, row.speedup_paired = base.seconds / row.seconds, paired(row, base)
      row.note = ("%s; %.2fx the speed of %s (best runs), %s in the median round"):format(row.note, row.speedup,
        base.name, row.speedup_paired and ("%.2fx"):format(row.speedup_paired) or "-")
    end
  end
end

-- -j N beside what N independent runs reach on this machine.
for _, row in ipairs(rows) do
  local j = row.for_row and by_name[row.for_row]
  if row.scaling and j and j.speedup then
    j.of_ceiling = j.speedup / row.scaling
    j.note = ("%s; %.0f%% of the %.2fx %d independent -j 1 runs reach at once"):format(j.note, 100 * j.of_ceiling,
      row.scaling, row.copies)
  end
end

-- The table ---------------------------------------------------------------------

local lines = {}
local function out(s) lines[#lines + 1] = s end
out(("stet bench: %s MB corpus (%d documents, %d near duplicates, %.1f%% non-ASCII), seed %d, best of %d rounds, %s")
  :format(tostring(MB), DOCS, NEAR_DUPS, 100 * NONASCII, SEED, RUNS, LOCALE))
out("")
out(("%-30s %-16s %8s %9s %9s %9s %9s %9s %8s %8s  %s"):format(
  "command", "input", "MB", "seconds", "MB/s", "CPU s", "MB/CPU-s", "docs/s", "RSS MB", "x wc -w",
  "x best baseline"))
for _, row in ipairs(rows) do
  if row.status == "ok" then
    out(("%-30s %-16s %8.1f %9.3f %9.1f %9s %9s %9s %8.1f %8s  %s"):format(row.name, row.input_label,
      row.bytes / 1e6, row.seconds, row.mb_per_s, fmt_num(row.cpu_seconds, 2), fmt_num(row.mb_per_cpu_s, 1),
      row.docs_per_s and string.format("%.0f", row.docs_per_s) or "-",
      (row.rss_kb or 0) / 1024, fmt_num(row.x_wc_w, 2),
      row.x_baseline and (fmt_num(row.x_baseline, 2) .. " (" .. row.best_baseline .. ")") or "-"))
  else
    out(("%-30s %-16s %8s %9s %9s %9s %9s %9s %8s %8s  -"):format(row.name, row.input_label, "-", row.status,
      "-", "-", "-", "-", "-", "-"))
  end
end
local notes, missing, seen = {}, {}, {}
for _, row in ipairs(rows) do
  if row.status == "n/a" and row.stet then
    if not seen[row.stet] then missing[#missing + 1] = "stet " .. row.stet end
    seen[row.stet] = true
  elseif row.note then
    notes[#notes + 1] = ("  %s: %s"):format(row.name, row.note)
  end
end
if #missing > 0 then
  notes[#notes + 1] = "  n/a: " .. table.concat(missing, ", ") .. " not built yet (`" .. STET .. " help NAME` fails)"
end
if #notes > 0 then
  out("")
  out("notes:")
  for _, n in ipairs(notes) do out(n) end
end
io.stdout:write(table.concat(lines, "\n") .. "\n")

-- JSON --------------------------------------------------------------------------

local function json(v, indent)
  indent = indent or ""
  local t = type(v)
  if t == "nil" then return "null" end
  if t == "boolean" then return tostring(v) end
  if t == "number" then
    if math.type(v) == "integer" then return tostring(v) end
    return string.format("%.6g", v)
  end
  if t == "string" then
    return '"' .. v:gsub('[%c"\\]', function(c)
      return ({ ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n" })[c] or string.format("\\u%04x", c:byte())
    end) .. '"'
  end
  local inner = indent .. "  "
  if #v > 0 or next(v) == nil then
    local items = {}
    for i, x in ipairs(v) do items[i] = inner .. json(x, inner) end
    return "[\n" .. table.concat(items, ",\n") .. "\n" .. indent .. "]"
  end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys)
  local items = {}
  for i, k in ipairs(keys) do items[i] = inner .. json(k) .. ": " .. json(v[k], inner) end
  return "{\n" .. table.concat(items, ",\n") .. "\n" .. indent .. "}"
end

local commit = capture("git rev-parse --short HEAD")
if commit == "" then commit = "nogit" end
local dirty = capture("git status --porcelain --untracked-files=no") ~= ""
local result_rows = {}
for i, row in ipairs(rows) do
  result_rows[i] = {
    name = row.name, kind = row.kind, command = row.command, input = row.input_label, status = row.status,
    bytes = row.bytes, documents = row.ndocs, seconds = row.seconds, mb_per_s = row.mb_per_s,
    cpu_seconds = row.cpu_seconds, mb_per_cpu_s = row.mb_per_cpu_s,
    docs_per_s = row.docs_per_s, peak_rss_kb = row.rss_kb, x_wc_w = row.x_wc_w, x_best_baseline = row.x_baseline,
    x_best_baseline_cpu = row.x_baseline_cpu, x_best_baseline_cpu_paired = row.x_baseline_cpu_paired,
    cpu_times = row.cpu_times, x_doc_size = row.x_doc_size,
    x_wc_w_paired = row.x_wc_w_paired, speedup = row.speedup, speedup_paired = row.speedup_paired, times = row.times,
    scaling = row.scaling, scaling_paired = row.scaling_paired, of_ceiling = row.of_ceiling,
    best_baseline = row.best_baseline, baseline = row.baseline or false, note = row.note,
  }
end
local result = {
  commit = commit, dirty = dirty, date = os.date("!%Y-%m-%dT%H:%M:%SZ"),
  host = { cores = CORES, cpu = capture("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'"),
    kernel = capture("uname -sr") },
  corpus = { mb = MB, seed = SEED, documents = DOCS, near_duplicates = NEAR_DUPS, text_bytes = TEXT_BYTES,
    non_ascii_share = NONASCII },
  runs = RUNS, slice_mb = SLICE_MB, jobs = JOBS, locale = LOCALE, python = capture(PYTHON .. " --version"),
  rows = result_rows,
}
local text = json(result) .. "\n"
local path = ("%s/results-%s%s.json"):format(OUT, commit, dirty and "-dirty" or "")
spit(path, text)
spit(OUT .. "/latest.json", text)
io.stdout:write(("\nsaved %s and %s/latest.json\n"):format(path, OUT))
os.exit(failed > 0 and 1 or 0)
