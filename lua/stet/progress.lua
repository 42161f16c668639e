-- stet.progress: the progress line of long runs on stderr (stet clean,
-- stet hash). The state is a table the caller keeps up to date:
--   progress = true          shown at all (else every call does nothing)
--   started, pass_started    stet.clock() at the start (of the pass)
--   done, pass_bytes         documents and bytes so far (in the pass)
--   total_items, total_bytes what there is in all, when known (percent, ETA)
--   last_progress            kept here: when the line was last drawn
local stet = require "stet"

local progress = {}

-- Draws the line of state ctx (labelled label, such as "pass 1/2"): at
-- most four times a second unless force, with percent and time left when
-- the total is known.
function progress.show(ctx, label, force)
  if not ctx.progress then return end
  local now = stet.clock()
  if not force and ctx.last_progress and now - ctx.last_progress < 0.25 then return end
  ctx.last_progress = now
  local secs = math.max(now - (ctx.pass_started or ctx.started), 1e-9)
  local mb = (ctx.pass_bytes or 0) / 1e6
  local line = ("%s: %d documents, %.1f MB, %.1f MB/s, %.0f docs/s"):format(
    label, ctx.done or 0, mb, mb / secs, (ctx.done or 0) / secs)
  local f
  if ctx.total_items and ctx.total_items > 0 then
    f = math.min((ctx.done or 0) / ctx.total_items, 1)
  elseif ctx.total_bytes and ctx.total_bytes > 0 then
    f = math.min((ctx.pass_bytes or 0) / ctx.total_bytes, 1)
  end
  if f then
    local left = f > 0 and secs * (1 - f) / f or 0
    line = line .. (", %d%%, %d:%02d left"):format(math.floor(f * 100), left // 60, math.floor(left % 60))
  end
  io.stderr:write("\r\27[K", line)
end

-- The total size of the inputs when it can be known cheaply: every path a
-- regular file or folder of them (hidden names skipped, as the walks skip
-- them), nothing compressed, and found within half a second; else nil. A
-- walk in C (stet._input_size): a stat per file, 0.1 s for 65,000 files.
function progress.input_size(paths)
  return stet._input_size(paths)
end

-- Erases the line, if one was drawn (nothing of it is left in a log).
function progress.clear(ctx)
  if ctx.progress and ctx.last_progress then io.stderr:write("\r\27[K") end
end

return progress
