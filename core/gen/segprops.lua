-- core/gen/segprops.lua: generates build/gen/segprops.h, the property tables
-- of the UAX #29 segmenters (core/segment.c, core/wordbreak.c,
-- core/sentbreak.c).
--
-- Usage: lua5.4 core/gen/segprops.lua UCD_DIR > build/gen/segprops.h
-- Reads auxiliary/GraphemeBreakProperty.txt, auxiliary/WordBreakProperty.txt,
-- auxiliary/SentenceBreakProperty.txt, emoji/emoji-data.txt
-- (Extended_Pictographic) and extracted/DerivedGeneralCategory.txt (letters
-- and numbers, for "word-like" segments).
--
-- Three two-stage tables of one byte per code point:
--   stet_gcb(cp): Grapheme_Cluster_Break value | STET_GCB_EXTPICT
--   stet_wb(cp):  Word_Break value | STET_WB_EXTPICT | STET_WB_WORDLIKE
--   stet_sb(cp):  Sentence_Break value
-- The value numbers are the order of the lists below (0 = Other).

package.path = arg[0]:gsub("[^/]*$", "") .. "?.lua;" .. package.path
local ucd = require "ucd"
local dir = assert(arg[1], "usage: segprops.lua UCD_DIR")

local GCB = { "Other", "CR", "LF", "Control", "Extend", "ZWJ", "Regional_Indicator",
  "Prepend", "SpacingMark", "L", "V", "T", "LV", "LVT" }
local WB = { "Other", "CR", "LF", "Newline", "Extend", "ZWJ", "Regional_Indicator",
  "Format", "Katakana", "Hebrew_Letter", "ALetter", "Single_Quote", "Double_Quote",
  "MidNumLet", "MidLetter", "MidNum", "Numeric", "ExtendNumLet", "WSegSpace" }
local SB = { "Other", "CR", "LF", "Extend", "Sep", "Format", "Sp", "Lower", "Upper",
  "OLetter", "Numeric", "ATerm", "SContinue", "STerm", "Close" }

local function index_of(list)
  local t = {}
  for i, name in ipairs(list) do t[name] = i - 1 end
  return t
end

-- Reads a break property file into a fresh array of value numbers.
local function load(rel, names)
  local idx = index_of(names)
  local values = ucd.new_array(0)
  for lo, hi, f in ucd.lines(dir, rel) do
    local v = idx[f[2]]
    if v == nil then error(rel .. ": unknown value " .. f[2], 0) end
    for cp = lo, hi do values[cp] = v end
  end
  return values
end

local gcb = load("auxiliary/GraphemeBreakProperty.txt", GCB)
local wb = load("auxiliary/WordBreakProperty.txt", WB)
local sb = load("auxiliary/SentenceBreakProperty.txt", SB)

local GCB_EXTPICT, WB_EXTPICT, WB_WORDLIKE = 0x10, 0x20, 0x40
for lo, hi, f in ucd.lines(dir, "emoji/emoji-data.txt") do
  if f[2] == "Extended_Pictographic" then
    for cp = lo, hi do
      gcb[cp] = gcb[cp] | GCB_EXTPICT
      wb[cp] = wb[cp] | WB_EXTPICT
    end
  end
end
for lo, hi, f in ucd.lines(dir, "extracted/DerivedGeneralCategory.txt") do
  local gc = f[2]
  if gc:match("^L") or gc == "Nd" or gc == "Nl" or gc == "No" then
    for cp = lo, hi do wb[cp] = wb[cp] | WB_WORDLIKE end
  end
end

-- stet_wb_ascii[byte] for the ASCII fast path of core/wordbreak.c:
-- 1 = joins in a run (ALetter, Numeric, ExtendNumLet), 2 = word-like,
-- 4 = a mid-word mark (MidLetter, MidNum, MidNumLet, Single_Quote).
-- Bytes >= 0x80 are 0.
local ascii = {}
do
  local idx = index_of(WB)
  local run = { [idx.ALetter] = 1, [idx.Numeric] = 1, [idx.ExtendNumLet] = 1 }
  local mid = { [idx.MidLetter] = 1, [idx.MidNum] = 1, [idx.MidNumLet] = 1, [idx.Single_Quote] = 1 }
  for b = 0, 255 do
    local v = 0
    if b < 128 then
      local c = wb[b] & 0x1F
      if run[c] then v = v | 1 end
      if wb[b] & WB_WORDLIKE ~= 0 then v = v | 2 end
      if mid[c] then v = v | 4 end
    end
    ascii[#ascii + 1] = v
  end
end
-- core/bytemask.h hard-codes these ASCII classes for its SIMD masks: stop
-- here if a new Unicode version moves any of them.
do
  local want = {
    [1] = "^[%w_]$",        -- stet_is_wordrun
    [2] = "^%w$",           -- stet_is_wordchar
    [4] = "^['.:,;]$",      -- stet_is_midmark
  }
  for b = 0, 127 do
    for bit, pat in pairs(want) do
      local has = ascii[b + 1] & bit ~= 0
      if has ~= (string.char(b):match(pat) ~= nil) then
        error(("segprops: byte 0x%02X: Word_Break class no longer matches core/bytemask.h"):format(b))
      end
    end
  end
end
-- core/wordbreak.c (stet_words_each) also takes it that no ASCII byte has
-- a class whose rules look further than its neighbours (WB4 ignorables,
-- Hebrew_Letter, Katakana, Regional_Indicator, ZWJ): stop if one does.
do
  local idx = index_of(WB)
  local plain = {}
  for _, name in ipairs({ "Other", "CR", "LF", "Newline", "WSegSpace", "ALetter", "Numeric",
      "ExtendNumLet", "MidLetter", "MidNum", "MidNumLet", "Single_Quote", "Double_Quote" }) do
    plain[idx[name]] = true
  end
  for b = 0, 127 do
    if not plain[wb[b] & 0x1F] or wb[b] & WB_EXTPICT ~= 0 then
      error(("segprops: byte 0x%02X: Word_Break class no longer plain, see core/wordbreak.c"):format(b))
    end
  end
end
local ascii_src = "static const uint8_t stet_wb_ascii[256] = {\n"
for i = 1, 256, 32 do
  ascii_src = ascii_src .. "  " .. table.concat(ascii, ",", i, i + 31) .. ",\n"
end
ascii_src = ascii_src .. "};\n"

local function enum(prefix, names)
  local parts = {}
  for i, name in ipairs(names) do
    parts[#parts + 1] = ("  %s%s = %d,"):format(prefix, name:upper(), i - 1)
  end
  return "enum {\n" .. table.concat(parts, "\n") .. "\n};\n"
end

local version = ucd.version(dir, "auxiliary/WordBreakProperty.txt")
local gcb_src, gcb_bytes = ucd.two_stage("stet_gcb", gcb, "uint8_t", 7)
local wb_src, wb_bytes = ucd.two_stage("stet_wb", wb, "uint8_t", 7)
local sb_src, sb_bytes = ucd.two_stage("stet_sb", sb, "uint8_t", 7)
io.write(([[
/* Generated by core/gen/segprops.lua from Unicode %s data. Do not edit. */
#ifndef STET_SEGPROPS_H
#define STET_SEGPROPS_H
#include <stdint.h>
#define STET_SEGPROPS_UNICODE "%s"
%s%s%s
enum { STET_GCB_MASK = 0x0F, STET_GCB_EXTPICT = 0x%02X };
enum { STET_WB_MASK = 0x1F, STET_WB_EXTPICT = 0x%02X, STET_WB_WORDLIKE = 0x%02X };
/* %d + %d + %d bytes */
%s%s%s%s#endif
]]):format(version, version, enum("STET_GCB_", GCB), enum("STET_WB_", WB), enum("STET_SB_", SB),
  GCB_EXTPICT, WB_EXTPICT, WB_WORDLIKE, gcb_bytes, wb_bytes, sb_bytes,
  gcb_src, wb_src, sb_src, ascii_src))
