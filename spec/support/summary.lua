-- spec/support/summary.lua: busted output handler. Prints busted's usual
-- report (plain when not on a terminal or under CI) and appends
-- "passed failed" to the file named by $STET_SUMMARY, which
-- spec/support/run.sh adds up into the closing "N passed, N failed" line.
return function(options)
  local busted = require "busted"
  local plain = os.getenv("CI") or os.getenv("TERM") == "dumb" or os.getenv("TERM") == nil
  local inner = require("busted.outputHandlers." .. (plain and "plainTerminal" or "utfTerminal"))(options)
  local path = os.getenv("STET_SUMMARY")
  if path then
    busted.subscribe({ "suite", "end" }, function()
      local f = assert(io.open(path, "a"))
      f:write(inner.successesCount, " ", inner.failuresCount + inner.errorsCount, "\n")
      f:close()
      return nil, true
    end, { priority = 2 })
  end
  return inner
end
