-- spec/luapat_spec.lua: stet.patterns (core/luapat.c) against Lua's own
-- string.find, which it must agree with: hand-written cases for every
-- feature and edge, every class on every byte, the malformed-pattern
-- messages, and thousands of random patterns and subjects from a seeded
-- generator.
local stet = require "stet"

-- A small LCG, so that the random cases are the same on every run:
-- r(n) -> an integer in 1..n.
local function rng(seed)
  local x = seed
  return function(n)
    x = x * 6364136223846793005 + 1442695040888963407
    return (x >> 33) % n + 1
  end
end

local function same(a, b)
  if a.n ~= b.n then return false end
  for i = 1, a.n do
    if a[i] ~= b[i] then return false end
  end
  return true
end

-- What string.find says, and what a one-pattern set says, for one call.
local compiled = {}
local function compile(p)
  local c = compiled[p]
  if not c then
    local set, err = stet.patterns({ p })
    c = { set = set, err = err and err:match('^.*": (.-)$') }
    compiled[p] = c
  end
  return c
end

local KNOWN_ERRORS = {
  ["malformed pattern (ends with '%')"] = true,
  ["malformed pattern (missing ']')"] = true,
  ["malformed pattern (missing arguments to '%b')"] = true,
  ["missing '[' after '%f' in pattern"] = true,
  ["invalid pattern capture"] = true,
  ["unfinished capture"] = true,
  ["too many captures"] = true,
}

-- Compares stet with string.find on one (pattern, subject, init). A
-- pattern stet rejects must be one string.find rejects with the same
-- message when it gets that far; Lua raises only when the matcher reaches
-- the bad part. Returns "error", "confirmed" (Lua raised the same), "match"
-- or "nomatch".
local function check(p, s, init)
  local c = compile(p)
  local lua = table.pack(pcall(string.find, s, p, init))
  local where = ("string.find(%q, %q, %s)"):format(s, p, tostring(init))
  if c.err then
    assert(KNOWN_ERRORS[c.err] or c.err:match("^invalid capture index %%%d$"), where .. ": " .. c.err)
    if not lua[1] then
      assert.are.equal(lua[2], c.err, where)
      return "confirmed"
    end
    return "error"
  end
  local ours = table.pack(pcall(c.set.find, c.set, 1, s, init))
  if not same(lua, ours) then assert.are.same(lua, ours, where) end
  return lua[2] and "match" or "nomatch"
end

local function check_all(p, subjects)
  for _, s in ipairs(subjects) do
    for _, init in ipairs({ false, 1, 2, 0, -1, -2, #s, #s + 1, #s + 2, -#s - 5 }) do
      check(p, s, init or nil)
    end
  end
end

-- pattern -> subjects
local CASES = {
  -- single bytes, '.', plain text
  { "a", { "", "a", "ba", "bbb", "aaa" } },
  { "abc", { "abc", "xxabcxx", "ab", "abab c", "aabc" } },
  { ".", { "", "x", "\0", "\255" } },
  { "a.c", { "abc", "a\0c", "ac", "xa.cx" } },
  { "", { "", "abc" } },
  { ")", { "a)b", "ab" } },
  { "a)", { "a)", "a" } },
  { "]", { "a]", "" } },
  { "a]b", { "a]b", "ab" } },
  { "\0", { "a\0b", "ab" } },
  { "a\0.", { "a\0b", "a\0", "a" } },
  -- classes
  { "%a+", { "123abc456", "", "ÀÉ", "aZ" } },
  { "%d+", { "ab 2024 x", "x" } },
  { "%s+", { "a \t\n\v\f\rb", "ab" } },
  { "%w*", { "", "ab1_c", "_" } },
  { "%p+", { "a!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~b", "abc" } },
  { "%l%u", { "aB", "Ab", "xyzW" } },
  { "%x+", { "0x1fG", "gh" } },
  { "%c", { "a\1b", "a\127", "ab" } },
  { "%g+", { "  a!b  ", "\127 \128" } },
  { "%A+", { "ab12cd", "abc" } },
  { "%D+", { "12ab34", "123" } },
  { "%S+", { "  word  ", "   " } },
  { "%W+", { "ab, cd", "abc" } },
  { "%P+", { "!!ab!!", "!!" } },
  { "%L+", { "abCDef", "abc" } },
  { "%U+", { "ABcdEF", "ABC" } },
  { "%X+", { "0aZz", "0af" } },
  { "%C+", { "\1ab\2", "\1\2" } },
  { "%G+", { "ab \t cd", "abc" } },
  { "%z", { "a\0b", "ab" } },
  { "%Z+", { "\0ab\0", "\0" } },
  { "%y", { "y", "%y", "x" } },
  -- escapes
  { "%.", { "a.b", "ab" } },
  { "%%", { "50%", "50" } },
  { "%(%)", { "f()", "f(" } },
  { "%[%]", { "[]", "[" } },
  { "%-%^%$%*%+%?", { "-^$*+?", "-^$*+" } },
  { "%\0", { "a\0", "a" } },
  -- sets
  { "[abc]+", { "xxbcay", "xyz" } },
  { "[^abc]+", { "abxyc", "abc" } },
  { "[a-c]+", { "zzabcd", "d" } },
  { "[]]", { "a]b", "ab" } },
  { "[^]]+", { "]]ab]", "]]" } },
  { "[]a]+", { "x]a]x", "x" } },
  { "[a-]+", { "x-a-x", "b" } },
  { "[-a]+", { "x-a-x", "b" } },
  { "[a%-z]+", { "b-az", "b" } },
  { "[%a_]+", { "1ab_c2", "12" } },
  { "[%]]", { "a]", "a" } },
  { "[a-%%]", { "]", "%", "a", "b" } },
  { "[%%-a]", { "%", "-", "a", "b" } },
  { "[^%s]+", { "  ab  ", "   " } },
  { "[\128-\255]+", { "abÀÉcd", "abc" } },
  { "[%w%.]+", { "  a.b1  ", "  " } },
  { "[.]", { "a.b", "ab" } },
  { "[*+?]+", { "a*+?b", "ab" } },
  { "[^-]+", { "--ab--", "--" } },
  { "[a^]+", { "x^a^x", "x" } },
  { "[%^a]+", { "x^a^x", "x" } },
  { "[c-a]", { "a", "b", "c" } },
  { "[%z]", { "a\0", "a" } },
  { "[^%a%d]", { "ab1!", "ab1" } },
  -- quantifiers
  { "a*", { "", "aaa", "baaa" } },
  { "a+", { "", "baaab" } },
  { "a-", { "", "aaa" } },
  { "a?", { "", "a", "b" } },
  { "a-b", { "aaab", "aaa", "b" } },
  { ".-b", { "aaabab", "aaa" } },
  { ".*b", { "aaabab", "aaa" } },
  { "a*a", { "aaaa", "b" } },
  { "[ab]-b$", { "aabab", "aaba" } },
  { "x*y+z?", { "xxyyzz", "xxz", "yz" } },
  { "<(.-)>", { "<a><b>", "<a", "<>" } },
  { "<(.*)>", { "<a><b>", "<>" } },
  { "a-$", { "aaa", "aab" } },
  { "a**", { "a*", "aa*", "a" } },
  { "a*?", { "aa?", "?" } },
  { "-", { "a-b", "ab" } },
  { "*a", { "*a", "a" } },
  -- anchors
  { "^a", { "a", "ba", "" } },
  { "^", { "", "abc" } },
  { "^$", { "", "a" } },
  { "$", { "", "abc" } },
  { "a$", { "aba", "ab", "a" } },
  { "a$b", { "a$b", "ab" } },
  { "^^", { "^a", "a" } },
  { "a^", { "a^", "a" } },
  { "$$", { "a$", "a" } },
  { "^a*$", { "aaa", "aab", "" } },
  { "$*", { "$$", "a" } },
  { "^%(AP Photo/[^)]*%)$", { "(AP Photo/Evan Vucci)", "(AP Photo/x) y", "(AP Photo" } },
  -- captures
  { "(a)", { "ba", "b" } },
  { "(a)(b)", { "xab", "xa" } },
  { "((a)(b))", { "ab", "a" } },
  { "()a()", { "xxa", "x" } },
  { "(a*)", { "", "baa" } },
  { "(a-)b", { "aab", "b" } },
  { "()", { "", "abc" } },
  { "(()a)", { "ba", "b" } },
  { "(%a+) (%a+)", { "hello big world", "hello" } },
  { "^(%d+)-(%d+)$", { "12-34", "12-", "x12-34" } },
  { "(a(b(c)))", { "abc", "ab" } },
  { "(.)()(.)", { "ab", "a" } },
  { "(*)", { "*", "a" } },
  { "(^a)", { "^a", "a" } },
  -- back-references
  { "(a)%1", { "aa", "ab" } },
  { "(%a)%1", { "abccd", "abcd" } },
  { "([\"'])(.-)%1", { "say \"hi\" 'x'", "say \"hi" } },
  { "(a*)%1", { "aaaa", "aaa", "" } },
  { "()%1", { "", "a" } },
  { "(a)(b)%2%1", { "abba", "abab" } },
  { "(a*)b%1$", { "aabaa", "aaba" } },
  -- %b
  { "%b()", { "f(a(b)c)d", "f(a(b", "()" } },
  { "%b[]", { "x[[]]]", "x[" } },
  { "%bxy", { "axxyyb", "axy", "y" } },
  { "%b()x", { "(a)x", "(a)y" } },
  { "%bxx", { "axbxcx", "ax" } },
  { "%b\0\1", { "a\0b\1c", "a\0" } },
  { "%b()*", { "()*", "()" } },
  -- %f
  { "%f[%a]%a+", { "  hello world", "123" } },
  { "%f[%A]", { "abc", "abc def" } },
  { "%f[%w]%w+%f[%W]", { "x, yz.", "" } },
  { "%f[a]", { "bab", "b" } },
  { "%f[^a]", { "aab", "aaa" } },
  { "%f[%z]", { "abc", "" } },
  { "%f[%Z]", { "abc", "" } },
  { "%f[%a]*", { "a*", "*" } },
  { "THE (%f[%a]%a+)", { "THE (quick) fox", "THE (quick" } },
  -- generic-rule-like
  { "^Sign up for [%w%s%p]-newsletters?[%.!]?$",
    { "Sign up for Axios AM newsletter.", "Sign up for our newsletters here!", "Sign up" } },
  { "cookies? [Pp]olicy%.?$", { "Read our cookie policy.", "cookies Policy", "cookie policy text" } },
  { "^Copyright © ?%d%d%d%d", { "Copyright © 2024 X", "Copyright ©2024", "Copyright 2024" } },
  { "All [Rr]ights [Rr]eserved%.?$", { "© X. All rights reserved.", "All Rights Reserved" } },
  -- what a match must end with when the pattern ends with "$" (the end
  -- filters of core/luapat.c)
  { "olicy%.?$", { "policy", "policy.", "policy..", "olic.", ".", "y.", "policy x", "olicy", "licy." } },
  { "(ab)c?$", { "ab", "abc", "abd", "xabc", "abcc", "b", "bc" } },
  { "ab()c?$", { "ab", "abc", "xabc", "ac" } },
  { "ab%f[%z]$", { "xab", "ab", "a", "abc" } },
  { "ab%b()$", { "ab(x)", "ab(x", "(x)", "ab()x" } },
  { "a[bc]?$", { "a", "ab", "ac", "ad", "b", "" } },
  { "ab?c?$", { "a", "ab", "ac", "abc", "abd", "bc" } },
  { "x?$", { "", "x", "y" } },
  { "%.?$", { "", ".", "a" } },
  { "a+$", { "baaa", "aab", "" } },
  { "[%d]-%.$", { "1.", "12.", ".", "1" } },
  { "(a)%1$", { "aa", "baa", "ab" } },
  { "a.$", { "ab", "a", "xaz" } },
  { "abc()$", { "abc", "xabc", "abcd" } },
}

describe("stet.patterns", function()
  it("matches every hand-written case exactly as string.find", function()
    local counts = {}
    for _, case in ipairs(CASES) do
      check_all(case[1], case[2])
      for _, s in ipairs(case[2]) do
        local r = check(case[1], s)
        counts[r] = (counts[r] or 0) + 1
      end
    end
    assert.is_true(#CASES >= 144)
    assert.is_true(counts.match > 150 and counts.nomatch > 80)
    assert.is_nil(counts.error)
  end)

  it("classifies every byte in every class as string.find does (C locale)", function()
    local pats = {}
    for cl in ("acdglpsuwxzACDGLPSUWXZ"):gmatch(".") do
      pats[#pats + 1] = "%" .. cl
      pats[#pats + 1] = "[%" .. cl .. "]"
      pats[#pats + 1] = "[^%" .. cl .. "]"
    end
    local set = assert(stet.patterns(pats))
    local differ = 0
    for c = 0, 255 do
      local s = string.char(c)
      for i, p in ipairs(pats) do
        if set:find(i, s) ~= s:find(p) then differ = differ + 1 end
      end
    end
    assert.are.equal(0, differ)
    assert.are.equal(1, set:find(1, "a"))
    assert.is_nil(set:find(1, "\233")) -- bytes >= 0x80 are not letters
  end)

  it("rejects malformed patterns with Lua's messages, naming index and pattern", function()
    local bad = {
      ["%"] = "malformed pattern (ends with '%')",
      ["a%"] = "malformed pattern (ends with '%')",
      ["[a"] = "malformed pattern (missing ']')",
      ["[^"] = "malformed pattern (missing ']')",
      ["[]"] = "malformed pattern (missing ']')",
      ["[^]"] = "malformed pattern (missing ']')",
      ["[%]"] = "malformed pattern (missing ']')",
      ["[a%"] = "malformed pattern (missing ']')",
      ["%b"] = "malformed pattern (missing arguments to '%b')",
      ["%ba"] = "malformed pattern (missing arguments to '%b')",
      ["%f"] = "missing '[' after '%f' in pattern",
      ["%fa"] = "missing '[' after '%f' in pattern",
      ["%f[a"] = "malformed pattern (missing ']')",
      ["%0"] = "invalid capture index %0",
      ["%1"] = "invalid capture index %1",
      ["(a%1)"] = "invalid capture index %1",
      ["(a)%2"] = "invalid capture index %2",
      ["(a))"] = "invalid pattern capture",
      ["."] = nil,
      ["("] = "unfinished capture",
      ["((a)"] = "unfinished capture",
      [("("):rep(33)] = "too many captures",
      [("()"):rep(33)] = "too many captures",
    }
    for p, msg in pairs(bad) do
      local set, err, index = stet.patterns({ "a", p })
      assert.is_nil(set)
      assert.are.equal(('pattern 2 "%s": %s'):format(p, msg), err)
      assert.are.equal(2, index)
      -- string.find raises the same once the matcher gets there
      local ok, lua_err = pcall(string.find, "a", p)
      if not ok then assert.are.equal(msg, lua_err) end
    end
    assert.is_not_nil(stet.patterns({ ")", "a)", "]", ("()"):rep(32) }))
    assert.has_error(function() stet.patterns({ "a", 3 }) end,
      "bad argument #1 to 'patterns' (pattern 2 is a number, not a string)")
    assert.has_error(function() stet.patterns("a") end)
  end)

  it("raises 'pattern too complex' at the same depth as string.find", function()
    for _, k in ipairs({ 100, 199, 200, 300 }) do
      check(("a?"):rep(k), ("a"):rep(k))
      check(("a*"):rep(k), ("a"):rep(k))
      check(("a-"):rep(k) .. "b", ("a"):rep(k) .. "b")
    end
    local ok, err = pcall(string.find, ("a"):rep(300), ("a?"):rep(300))
    assert.are.same({ false, "pattern too complex" }, { ok, err })
    local set = assert(stet.patterns({ "^x", ("a?"):rep(300) }))
    assert.has_error(function() set:first(("a"):rep(300)) end,
      ('pattern 2 "%s": pattern too complex'):format(("a?"):rep(300)))
  end)

  it("stops runaway backtracking at the step limit", function()
    local p = ("(.-)"):rep(6) .. "x"
    local set = assert(stet.patterns({ p }, { steps = 100000 }))
    assert.has_error(function() set:find(1, ("a"):rep(200)) end, "pattern too complex (step limit reached)")
    assert.are.same({ 1, 3, "", "", "", "", "", "ab" }, { set:find(1, "abx") })
    assert.are.same({ ("abx"):find(p) }, { set:find(1, "abx") })
    -- the default limit lets ordinary patterns run on long subjects
    local big = ("word "):rep(200000) .. "end"
    local set2 = assert(stet.patterns({ "^(.-) end$", "%f[%w]end$" }))
    assert.are.equal(#big, select(2, set2:find(1, big)))
    assert.are.equal(1, set2:first(big, 2))
    assert.are.equal(2, set2:first(big:sub(-3)))
  end)

  it("first() returns the first matching pattern in list order", function()
    local list = { "^Photo: ", "^Share$", "cookies? [Pp]olicy%.?$", "^%u", "^" }
    local set = assert(stet.patterns(list))
    assert.are.equal(5, #set)
    assert.are.equal("stet.patterns (5)", tostring(set))
    assert.are.equal(1, set:first("Photo: AP"))
    assert.are.equal(2, set:first("Share"))
    assert.are.equal(3, set:first("See our cookie policy."))
    assert.are.equal(4, set:first("Shares fell"))
    assert.are.equal(5, set:first("shares fell"))
    assert.are.equal(2, set:first("xShare", 2))
    assert.are.equal(2, set:first("xShare", -5))
    assert.are.equal(5, set:first("abc", 4))
    assert.is_nil(set:first("abc", 5))
    -- prefixes longer than the subject, or holding NUL bytes
    local nul = assert(stet.patterns({ "^a\0", "^abcdefghij", "^abcdefghiX", "^a" }))
    assert.are.equal(4, nul:first("a"))
    assert.are.equal(1, nul:first("a\0"))
    assert.are.equal(3, nul:first("abcdefghiX"))
    assert.are.equal(4, nul:first("abcdefgh"))
    local none = assert(stet.patterns({}))
    assert.is_nil(none:first("abc"))
    assert.has_error(function() set:find(6, "a") end)
  end)

  it("agrees with string.find on thousands of random patterns and subjects", function()
    local r = rng(20240601)
    local CHARS = { "a", "b", "a", "b", "c", " ", "-", "x", "]", "\0", "\200" }
    local CLASSES = { "%a", "%d", "%s", "%w", "%p", "%l", "%u", "%x", "%c", "%g", "%A", "%S", "%W", "%z",
      "%.", "%%", "%(", "%)", "%[", "%]", "%-", "%y", ".", "." }
    local ELEMS = { "a", "b", "c", "a-b", "b-c", "c-a", "%a", "%s", "%d", "%]", "%%", "-", "^", ".", "(",
      "%-", "\0", "\200", "\128-\255", "a-%", "%" }
    local QUANTS = { "", "", "", "*", "+", "-", "?" }
    local function set_text()
      local t = { "[" }
      if r(3) == 1 then t[#t + 1] = "^" end
      if r(6) == 1 then t[#t + 1] = "]" end
      for _ = 1, r(3) do t[#t + 1] = ELEMS[r(#ELEMS)] end
      if r(6) == 1 then t[#t + 1] = "-" end
      t[#t + 1] = "]"
      return table.concat(t)
    end
    local function seq(depth)
      local t = {}
      for _ = 1, r(4) - 1 + (depth == 0 and 1 or 0) do
        local k = r(13)
        if k <= 4 then t[#t + 1] = CHARS[r(#CHARS)] .. QUANTS[r(#QUANTS)]
        elseif k == 5 then t[#t + 1] = CLASSES[r(#CLASSES)] .. QUANTS[r(#QUANTS)]
        elseif k == 6 then t[#t + 1] = set_text() .. QUANTS[r(#QUANTS)]
        elseif k == 7 and depth < 3 then t[#t + 1] = "(" .. seq(depth + 1) .. ")"
        elseif k == 8 then t[#t + 1] = "()"
        elseif k == 9 then t[#t + 1] = "%" .. r(3)
        elseif k == 10 then t[#t + 1] = ({ "%bab", "%b()", "%bxx", "%b[]" })[r(4)]
        elseif k == 11 then t[#t + 1] = "%f" .. (r(2) == 1 and set_text() or ({ "[%a]", "[%W]", "[%z]" })[r(3)])
        else t[#t + 1] = ({ "$", "^", "%$", "%^", "$?" })[r(5)]
        end
      end
      return table.concat(t)
    end
    local BREAK = { "%", "[", "]", "(", ")", "%b", "%f", "%f[", "%1", "%b(" }
    local function pattern()
      local p = (r(4) == 1 and "^" or "") .. seq(0) .. (r(4) == 1 and "$" or "")
      local m = r(10)
      if m == 1 then -- insert a piece that may break it
        local at = r(#p + 1) - 1
        p = p:sub(1, at) .. BREAK[r(#BREAK)] .. p:sub(at + 1)
      elseif m == 2 then -- cut it short
        p = p:sub(1, r(#p + 1) - 1)
      end
      return p
    end
    local SUBJ = { "a", "b", "a", "b", "a", "b", "c", "x", " ", "-", "(", ")", "[", "]", "%", "A", "1", ".", "\0",
      "\200", "$", "^" }
    local function subject()
      local t = {}
      for i = 1, r(11) - 1 do t[i] = SUBJ[r(#SUBJ)] end
      return table.concat(t)
    end
    local counts = { match = 0, nomatch = 0, error = 0, confirmed = 0 }
    local patterns = 4000
    for _ = 1, patterns do
      local p = pattern()
      for _ = 1, 6 do
        local s = subject()
        local init = ({ false, false, false, 1, 2, 0, -1, -3, #s + 1, #s + 2 })[r(10)]
        local res = check(p, s, init or nil)
        counts[res] = counts[res] + 1
      end
    end
    -- the generator must reach every outcome, or the test proves little
    assert.is_true(counts.match > 3000, "matches: " .. counts.match)
    assert.is_true(counts.nomatch > 10000, "no matches: " .. counts.nomatch)
    assert.is_true(counts.confirmed > 2000, "errors confirmed by Lua: " .. counts.confirmed)
  end)

  it("first() agrees with a loop of string.find over random lists", function()
    local r = rng(77)
    local PIECES = { "a", "b", "ab", "^a", "^b", "a$", "b+", "%a", "[ab]", "^[^a]", ".", "a-b", "^%s*$", "()a",
      "%f[%a]", "x", "b*$", "^", "$", "%bab", "(a)%1", "^(b)" }
    local SUBJ = { "a", "b", "x", " ", "c" }
    local hits, total = 0, 0
    for _ = 1, 300 do
      local list = {}
      for i = 1, r(8) do
        list[i] = PIECES[r(#PIECES)] .. (r(2) == 1 and PIECES[r(#PIECES)]:gsub("^%^", "") or "")
      end
      local set, err = stet.patterns(list)
      assert(set, err)
      for _ = 1, 20 do
        local t = {}
        for i = 1, r(8) - 1 do t[i] = SUBJ[r(#SUBJ)] end
        local s = table.concat(t)
        local init = r(3) == 1 and r(#s + 3) - 2 or nil
        local want
        for i, p in ipairs(list) do
          if s:find(p, init) then
            want = i
            break
          end
        end
        local got = set:first(s, init)
        if got ~= want then
          assert.are.same({ list = list, s = s, init = init, first = want }, { list = list, s = s, init = init, first = got })
        end
        total = total + 1
        if want then hits = hits + 1 end
      end
    end
    assert.is_true(hits > total / 4 and hits < total * 3 / 4, ("hits %d of %d"):format(hits, total))
  end)

  it("first() agrees with string.find for the generic rules on the example corpus", function()
    local list = {}
    local function add(v)
      if type(v) == "string" then list[#list + 1] = v
      elseif type(v) == "table" then for _, x in ipairs(v) do add(x) end end
    end
    local generic = require "stet.sites.generic"
    local labels = {}
    for label in pairs(generic.drop) do labels[#labels + 1] = label end
    table.sort(labels)
    for _, label in ipairs(labels) do add(generic.drop[label]) end
    assert.is_true(#list > 60)
    local set = assert(stet.patterns(list))
    local paras, hits = 0, 0
    local files = io.popen("find examples/corpus -type f | LC_ALL=C sort")
    for path in files:lines() do
      local f = assert(io.open(path, "rb"))
      local text = f:read("a")
      f:close()
      for line in text:gmatch("[^\n]+") do
        local want
        for i, p in ipairs(list) do
          if line:find(p) then
            want = i
            break
          end
        end
        assert.are.equal(want, set:first(line), line)
        paras = paras + 1
        if want then hits = hits + 1 end
      end
    end
    files:close()
    assert.is_true(paras > 100)
    assert.is_true(hits > 5)
  end)
end)
