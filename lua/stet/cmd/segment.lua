-- stet segment: paragraphs, sentences, words or grapheme clusters of text
-- files (or standard input), one per line, for shell pipelines.
--
-- Input is read in chunks of CHUNK bytes; each chunk is cut where no segment
-- can continue (after a blank line for paragraphs, after a line end for the
-- other kinds) and segmented, formatted and written by a C loop
-- (stet.segment_file) that reuses its buffers, so memory stays near two
-- chunks whatever the file size.

local stet = require "stet"

-- Bytes read at a time; STET_SEGMENT_CHUNK overrides it (the specs use a
-- small value to cross many chunk boundaries).
local CHUNK = tonumber(os.getenv("STET_SEGMENT_CHUNK") or "") or 4 * 1024 * 1024

local segment = {
  summary = "split text into paragraphs, sentences, words or graphemes",
  usage = "stet segment --by paragraph|sentence|word|grapheme [--spans] [--lines] [FILE...]",
  description = [[
Reads each FILE (standard input when there is none, or for "-") and prints
one segment per line. Inside a segment, a line feed is written as \n, a
carriage return as \r, a tab as \t and a backslash as \\, so every output
line is exactly one segment and the escapes can be undone.
  paragraph  blank-line separated paragraphs, trimmed (--lines: every
             non-blank line is a paragraph)
  sentence   news-aware sentences (UAX #29 plus abbreviations, initials,
             quotes), trimmed
  word       word-like UAX #29 words (letters, numbers, ideographs)
  grapheme   every extended grapheme cluster, spaces and line ends included
With --spans each line is START<TAB>STOP<TAB>TEXT, where START and STOP are
the 1-based byte offsets of the segment's first and last byte in its file.]],
  options = {
    { name = "by", short = "b", arg = "KIND", default = "word",
      choices = { "paragraph", "sentence", "word", "grapheme" },
      help = "what to split into" },
    { name = "spans", help = "print START<TAB>STOP<TAB>TEXT" },
    { name = "lines", help = "paragraphs: every non-blank line is one" },
  },
}

function segment.run(opts, positional)
  if #positional == 0 then positional = { "-" } end
  local lopts = { spans = opts.spans, lines = opts.lines, chunk = CHUNK }
  local status = 0
  io.stdout:flush()
  for _, path in ipairs(positional) do
    local ok, err = stet.segment_file(path, opts.by, lopts)
    if not ok then
      -- a file that cannot be read is skipped; output that cannot be written stops
      if err:match("^writing ") then error({ exit = 2, message = "stet segment: " .. err }, 0) end
      io.stderr:write("stet segment: ", err, "\n")
      status = 2
    end
  end
  return status
end

return segment
