-- stet normalize: stet.normalize as a filter for shell pipelines.
--
-- Each file (or standard input) goes through stet.normalize_file: 4 MB
-- blocks cut after their last newline (no repair, line rule or
-- normalization span reaches across one), buffers reused, written to
-- standard output as they are done.

local stet = require "stet"

local normalize = {
  summary = "repair and normalize UTF-8 text (a filter: files or stdin to stdout)",
  usage = "stet normalize [--form F] [--casefold] [--quotes] [--mojibake] [FILE...]",
  description = [[
Invalid UTF-8 becomes U+FFFD; line endings become "\n"; odd spaces become
" ", zero-width characters and trailing spaces go; control characters go;
then the text is put in the normalization form. The number of repaired
sequences is reported on stderr (unless --quiet).]],
  options = {
    { name = "form", arg = "FORM", default = "NFC", choices = { "NFC", "NFD", "NFKC", "NFKD", "none" },
      help = "normalization form, or none" },
    { name = "casefold", help = "apply Unicode case folding" },
    { name = "quotes", help = "curly quotes and primes to ASCII, dashes to -, ellipsis to ..." },
    { name = "mojibake", help = "repair UTF-8 that was decoded as cp1252 or Latin-1" },
    { name = "newlines", default = true, help = "unify line endings (--no-newlines to keep them)" },
    { name = "spaces", default = true, help = "map odd spaces, drop zero-width and trailing spaces" },
    { name = "controls", default = true, help = "drop control characters other than \\n and \\t" },
    { name = "quiet", short = "q", help = "do not report repairs on stderr" },
  },
}

function normalize.run(opts, files)
  local nopts = {
    form = opts.form ~= "none" and opts.form or false, casefold = opts.casefold == true,
    quotes = opts.quotes == true, mojibake = opts.mojibake == true,
    newlines = opts.newlines, spaces = opts.spaces, controls = opts.controls,
  }
  if #files == 0 then files = { "-" } end
  io.stdout:flush()
  local repaired, fixed = 0, 0
  for _, path in ipairs(files) do
    local r, m = stet.normalize_file(path, nopts)
    if not r then
      error({ exit = 2, message = "stet normalize: " .. (m:match("^writing ") and m or "cannot read " .. m) }, 0)
    end
    repaired, fixed = repaired + r, fixed + m
  end
  if not opts.quiet then
    local msg = ("stet normalize: %d invalid UTF-8 sequence%s repaired"):format(
      repaired, repaired == 1 and "" or "s")
    if nopts.mojibake then
      msg = msg .. (", %d mojibake sequence%s repaired"):format(fixed, fixed == 1 and "" or "s")
    end
    io.stderr:write(msg, "\n")
  end
  return 0
end

return normalize
