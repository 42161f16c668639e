-- stet segment: paragraphs, sentences, words or grapheme clusters of text
-- files (or standard input), one per line, for shell pipelines.
--
-- Input is read in chunks of CHUNK bytes; each chunk is cut where no segment
-- can continue (after a blank line for paragraphs, after a line end for the
-- other kinds) and the whole chunk is segmented and formatted by one C call
-- (stet.segment_lines), so memory stays near two chunks whatever the file
-- size, and output goes out one large string per chunk.

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

-- Segments one open file, writing to out. Returns nothing; raises on errors.
local function run_file(f, opts, out)
  local carry, offset = "", 0
  local lopts = { spans = opts.spans, lines = opts.lines, partial = true, offset = 0 }
  while true do
    local chunk = f:read(CHUNK)
    local text = chunk and (carry == "" and chunk or carry .. chunk) or carry
    lopts.partial = chunk ~= nil
    lopts.offset = offset
    local lines, used = stet.segment_lines(text, opts.by, lopts)
    if #lines > 0 then out:write(lines) end
    if not chunk then return end
    if used > 0 then
      carry = text:sub(used + 1)
      offset = offset + used
    else
      carry = text
    end
  end
end

function segment.run(opts, positional)
  if #positional == 0 then positional = { "-" } end
  local out = io.stdout
  out:setvbuf("full", 1 << 16)
  local status = 0
  for _, path in ipairs(positional) do
    if path == "-" then
      run_file(io.stdin, opts, out)
    else
      local f, err = io.open(path, "rb")
      if not f then
        io.stderr:write("stet segment: ", err, "\n")
        status = 2
      else
        run_file(f, opts, out)
        f:close()
      end
    end
  end
  out:flush()
  return status
end

return segment
