-- stet.date: turns the date lines of news pages into ISO 8601.
--
--   stet.date("Updated 10:31 AM EDT, Wed June 7, 2017")  --> "2017-06-07T10:31:00-04:00"
--   stet.date("06/07/2017", { dayfirst = true })           --> "2017-07-06"
--   stet.date("2 hours ago", { reference = "2017-06-07T12:00:00Z" })
--                                                          --> "2017-06-07T10:00:00Z"
--
-- parse(s [, opts]) -> iso | nil, reason. The whole string must be a date
-- (surrounding spaces and a trailing period allowed); leading words such as
-- "Published", "Updated", "Posted", "Last updated" and weekday names are
-- ignored. Output is "YYYY-MM-DD", or "YYYY-MM-DDTHH:MM:SS" when a time is
-- given, followed by the zone ("Z" or "+HH:MM") when one is given. Seconds
-- fractions are dropped.
--
-- opts.dayfirst  read 06/07/2017 as 6 July (default: US order, June 7);
--                dotted dates (07.06.2017) are always day first
-- opts.reference an ISO date or timestamp (usually the record's own date):
--                relative forms ("2 hours ago", "3 days ago", "yesterday")
--                resolve against it, and dates after it are refused.
--
-- Reasons: "not a date", "impossible date", "impossible time",
-- "relative date without a reference", "reference is not a date",
-- "in the future of the reference date".

local find, sub, lower, format, byte = string.find, string.sub, string.lower, string.format, string.byte

local date = {}

local NO_OPTS = {} -- parse() without options: read, never written

local MONTHS = {
  jan = 1, january = 1, feb = 2, february = 2, mar = 3, march = 3, apr = 4, april = 4,
  may = 5, jun = 6, june = 6, jul = 7, july = 7, aug = 8, august = 8, sep = 9, sept = 9,
  september = 9, oct = 10, october = 10, nov = 11, november = 11, dec = 12, december = 12,
}

local WEEKDAYS = {
  mon = 1, monday = 1, tue = 2, tues = 2, tuesday = 2, wed = 3, weds = 3, wednesday = 3,
  thu = 4, thur = 4, thurs = 4, thursday = 4, fri = 5, friday = 5, sat = 6, saturday = 6,
  sun = 0, sunday = 0,
}

-- Fixed zones, offsets in minutes east of UTC.
local ZONES = {
  utc = 0, gmt = 0, z = 0, est = -300, edt = -240, cst = -360, cdt = -300,
  mst = -420, mdt = -360, pst = -480, pdt = -420, bst = 60, cet = 60, cest = 120,
}

-- US zones written without S/D ("ET"): standard offset; DST decided by date.
local US_ZONES = { et = -300, ct = -360, mt = -420, pt = -480 }

-- Words that may sit between the parts of a date ("June 7, 2017 at 10:31").
local FILLERS = { at = true, on = true, of = true }

-- Leading words, longest first.
local LEADS = {
  "last updated", "last modified", "first published", "originally published",
  "published", "updated", "posted", "modified",
}

-- Separators of more than one byte (UTF-8 middle dot, bullet, dashes).
local MB_SEPS = { "\194\183", "\226\128\162", "\226\128\147", "\226\128\148" }

local UNITS = {
  second = "second", seconds = "second", sec = "second", secs = "second", s = "second",
  minute = "minute", minutes = "minute", min = "minute", mins = "minute", m = "minute",
  hour = "hour", hours = "hour", hr = "hour", hrs = "hour", h = "hour",
  day = "day", days = "day", d = "day",
  week = "week", weeks = "week", wk = "week", wks = "week", w = "week",
  month = "month", months = "month", mo = "month", mos = "month",
  year = "year", years = "year", yr = "year", yrs = "year", y = "year",
}

------------------------------------------------------------------------------
-- Calendar arithmetic (proleptic Gregorian).

local function is_leap(y)
  return y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0)
end

local function days_in_month(y, m)
  if m == 2 then return is_leap(y) and 29 or 28 end
  if m == 4 or m == 6 or m == 9 or m == 11 then return 30 end
  return 31
end

-- Days since 1970-01-01 of a civil date. Counts whole 400-year eras from a
-- year that starts in March, so the leap day is the last day of the year.
local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = y // 400
  local yoe = y - era * 400
  local mp = (m + 9) % 12                -- March = 0
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

-- The inverse of days_from_civil.
local function civil_from_days(z)
  z = z + 719468
  local era = z // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return y, m, d
end

-- 0 = Sunday.
local function weekday(y, m, d)
  return (days_from_civil(y, m, d) + 4) % 7
end

-- Day of month of the n-th Sunday (n = -1: the last one).
local function nth_sunday(y, m, n)
  local first = 1 + (7 - weekday(y, m, 1)) % 7
  if n > 0 then return first + 7 * (n - 1) end
  local last = first
  while last + 7 <= days_in_month(y, m) do last = last + 7 end
  return last
end

-- Is local time (y, m, d, h) in US daylight saving time?
local function us_dst(y, m, d, h)
  local sm, sd, em, ed
  if y >= 2007 then
    sm, sd, em, ed = 3, nth_sunday(y, 3, 2), 11, nth_sunday(y, 11, 1)
  elseif y >= 1987 then
    sm, sd, em, ed = 4, nth_sunday(y, 4, 1), 10, nth_sunday(y, 10, -1)
  else
    sm, sd, em, ed = 4, nth_sunday(y, 4, -1), 10, nth_sunday(y, 10, -1)
  end
  local now = (m * 100 + d) * 100 + (h or 12)
  return now >= (sm * 100 + sd) * 100 + 2 and now < (em * 100 + ed) * 100 + 2
end

------------------------------------------------------------------------------
-- Values: { y, m, d, h, mi, sec (nil without a time), off (minutes or nil) }

local function to_iso(v)
  local s = format("%04d-%02d-%02d", v.y, v.m, v.d)
  if v.h == nil then return s end
  s = s .. format("T%02d:%02d:%02d", v.h, v.mi, v.sec)
  if v.off == nil then return s end
  if v.off == 0 then return s .. "Z" end
  local a = math.abs(v.off)
  return s .. format("%s%02d:%02d", v.off < 0 and "-" or "+", a // 60, a % 60)
end

-- Seconds since the epoch of the value's local time (ignoring its zone).
local function local_seconds(v)
  return days_from_civil(v.y, v.m, v.d) * 86400 + (v.h or 0) * 3600 + (v.mi or 0) * 60 + (v.sec or 0)
end

-- Is a later than b? Instants when both have a time and a zone; local
-- times when both have a time and neither a zone; else calendar dates.
local function later_than(a, b)
  if a.h and b.h and (a.off ~= nil) == (b.off ~= nil) then
    return local_seconds(a) - (a.off or 0) * 60 > local_seconds(b) - (b.off or 0) * 60
  end
  return days_from_civil(a.y, a.m, a.d) > days_from_civil(b.y, b.m, b.d)
end

------------------------------------------------------------------------------
-- Tokens

-- After the time at position i: " am", "pm", "a.m." -> "a"|"p", next i.
local function ampm_at(t, i)
  local s, e, which = find(t, "^%s*([ap])%.?m%.?", i)
  if s and not find(t, "^%a", e + 1) then return which, e + 1 end
  return nil, i
end

-- Splits the lowercased string into tokens, or returns nil.
local function tokenize(t)
  local toks, i, n = {}, 1, #t
  local function add(tok) toks[#toks + 1] = tok end
  while i <= n do
    local s, e, a, b, c, d, _
    s, e = find(t, "^[%s,;|/()]+", i)
    if not s and not find(t, "^%-%d%d:?%d%d", i) then s, e = find(t, "^%-+", i) end
    if not s then
      for _, sep in ipairs(MB_SEPS) do
        if sub(t, i, i + #sep - 1) == sep then s, e = i, i + #sep - 1 break end
      end
    end
    if s then
      add({ k = "sep" })
      i = e + 1
      goto continue
    end
    -- ISO date, optionally followed by "T" and the time
    s, e, a, b, c = find(t, "^(%d%d%d%d)%-(%d%d?)%-(%d%d?)", i)
    if s then
      add({ k = "ymd", y = tonumber(a), m = tonumber(b), d = tonumber(c) })
      i = e + 1
      if find(t, "^t%d", i) then i = i + 1 end
      goto continue
    end
    s, e, a, _, c, d = find(t, "^(%d%d%d%d)([/.])(%d%d?)%2(%d%d?)", i)
    if s then
      add({ k = "ymd", y = tonumber(a), m = tonumber(c), d = tonumber(d) })
      i = e + 1
      goto continue
    end
    local sep
    s, e, a, sep, c, d = find(t, "^(%d%d?)([/.%-])(%d%d?)%2(%d%d%d%d)", i)
    if s then
      add({ k = "numeric", a = tonumber(a), b = tonumber(c), y = tonumber(d), dots = sep == "." })
      i = e + 1
      goto continue
    end
    -- time: H:MM[:SS[.fff]] [am|pm]
    s, e, a, b = find(t, "^(%d%d?):(%d%d)", i)
    if s then
      local tok = { k = "time", h = tonumber(a), mi = tonumber(b), sec = 0 }
      i = e + 1
      s, e, a = find(t, "^:(%d%d)", i)
      if s then
        tok.sec = tonumber(a)
        i = e + 1
        s, e = find(t, "^[.,]%d+", i)
        if s then i = e + 1 end
      end
      tok.ampm, i = ampm_at(t, i)
      add(tok)
      goto continue
    end
    -- time: "10 am", "10am"
    s, e, a = find(t, "^(%d%d?)", i)
    if s then
      local which, j = ampm_at(t, e + 1)
      if which then
        add({ k = "time", h = tonumber(a), mi = 0, sec = 0, ampm = which })
        i = j
        goto continue
      end
    end
    -- numeric zone offset: +04:00, -0400
    s, e, a, b, c = find(t, "^([+-])(%d%d):?(%d%d)", i)
    if s then
      add({ k = "zone", off = (a == "-" and -1 or 1) * (tonumber(b) * 60 + tonumber(c)) })
      i = e + 1
      goto continue
    end
    -- number, with an ordinal suffix for days
    s, e, a, b = find(t, "^(%d+)(%a*)", i)
    if s then
      if b ~= "" and b ~= "st" and b ~= "nd" and b ~= "rd" and b ~= "th" then return nil end
      add({ k = "num", v = tonumber(a), len = #a, ordinal = b ~= "" })
      i = e + 1
      goto continue
    end
    -- word, with an abbreviation period
    s, e, a = find(t, "^(%a+)%.?", i)
    if s then
      i = e + 1
      if MONTHS[a] then
        add({ k = "month", v = MONTHS[a] })
      elseif WEEKDAYS[a] then
        add({ k = "weekday" })
      elseif ZONES[a] then
        local off = ZONES[a]
        if a == "utc" or a == "gmt" then -- "GMT+1", "UTC-05:30"
          local s2, e2, sign, hh, mm = find(t, "^([+-])(%d%d?):?(%d?%d?)", i)
          if s2 and (mm == "" or #mm == 2) then
            off = (sign == "-" and -1 or 1) * (tonumber(hh) * 60 + (tonumber(mm) or 0))
            i = e2 + 1
          end
        end
        add({ k = "zone", off = off })
      elseif US_ZONES[a] then
        add({ k = "zone", us = US_ZONES[a] })
      elseif FILLERS[a] then
        add({ k = "sep" })
      else
        return nil
      end
      goto continue
    end
    do return nil end
    ::continue::
  end
  return toks
end

------------------------------------------------------------------------------
-- Absolute dates

-- The value of an absolute date string (lowercased, trimmed), or nil, reason.
local function absolute(t, dayfirst)
  local toks = tokenize(t)
  if not toks then return nil, "not a date" end
  local parts, time, zone, weekdays = {}, nil, nil, 0
  local prev -- the previous token that was not a separator
  for _, tok in ipairs(toks) do
    local k = tok.k
    if k == "weekday" then
      weekdays = weekdays + 1
    elseif k == "time" then
      if time then return nil, "not a date" end
      time = tok
    elseif k == "zone" then
      if zone or prev == nil or prev.k ~= "time" then return nil, "not a date" end
      zone = tok
    elseif k ~= "sep" then
      parts[#parts + 1] = tok
    end
    if k ~= "sep" then prev = tok end
  end
  if weekdays > 1 then return nil, "not a date" end
  local y, m, d
  local p1, p2, p3 = parts[1], parts[2], parts[3]
  local function is_day(p) return p and p.k == "num" and p.len <= 2 end
  local function is_year(p) return p and p.k == "num" and p.len == 4 and not p.ordinal end
  if #parts == 1 and p1.k == "ymd" then
    y, m, d = p1.y, p1.m, p1.d
  elseif #parts == 1 and p1.k == "numeric" then
    y = p1.y
    if dayfirst or p1.dots then d, m = p1.a, p1.b else m, d = p1.a, p1.b end
  elseif #parts == 3 and p1.k == "month" and is_day(p2) and is_year(p3) then
    y, m, d = p3.v, p1.v, p2.v
  elseif #parts == 3 and is_day(p1) and p2.k == "month" and is_year(p3) then
    y, m, d = p3.v, p2.v, p1.v
  else
    return nil, "not a date"
  end
  if m < 1 or m > 12 or d < 1 or d > days_in_month(y, m) then return nil, "impossible date" end
  local v = { y = y, m = m, d = d }
  if time then
    local h = time.h
    if time.ampm then
      if h < 1 or h > 12 then return nil, "impossible time" end
      if time.ampm == "a" and h == 12 then h = 0 end
      if time.ampm == "p" and h < 12 then h = h + 12 end
    end
    if h > 23 or time.mi > 59 or time.sec > 59 then return nil, "impossible time" end
    v.h, v.mi, v.sec = h, time.mi, time.sec
    if zone then
      if zone.us then
        v.off = zone.us + (us_dst(y, m, d, h) and 60 or 0)
      else
        v.off = zone.off
      end
    end
  end
  return v
end

------------------------------------------------------------------------------
-- Relative dates

-- "2 hours ago", "an hour ago", "3d ago", "yesterday" -> count, unit | nil.
local function relative(t)
  if t == "yesterday" then return 1, "day" end
  if t == "today" then return 0, "day" end
  if t == "just now" or t == "now" then return 0, "minute" end
  local num, unit = t:match("^(%d+)%s*(%a+)%s+ago$")
  if not num then num, unit = t:match("^(%a+)%s+(%a+)%s+ago$") end
  if not num then return nil end
  local count = tonumber(num) or ((num == "a" or num == "an" or num == "one") and 1)
  unit = UNITS[unit]
  if not count or not unit then return nil end
  return count, unit
end

-- Moves reference value ref back by count units.
local function go_back(ref, count, unit)
  if unit == "second" or unit == "minute" or unit == "hour" then
    if ref.h == nil then return { y = ref.y, m = ref.m, d = ref.d } end
    local secs = local_seconds(ref) - count * ({ second = 1, minute = 60, hour = 3600 })[unit]
    local days = secs // 86400
    local rest = secs - days * 86400
    local y, m, d = civil_from_days(days)
    return { y = y, m = m, d = d, h = rest // 3600, mi = rest % 3600 // 60, sec = rest % 60, off = ref.off }
  end
  if unit == "day" or unit == "week" then
    local n = count * (unit == "week" and 7 or 1)
    local y, m, d = civil_from_days(days_from_civil(ref.y, ref.m, ref.d) - n)
    return { y = y, m = m, d = d }
  end
  local months = count * (unit == "year" and 12 or 1)
  local idx = ref.y * 12 + (ref.m - 1) - months
  local y, m = idx // 12, idx % 12 + 1
  return { y = y, m = m, d = math.min(ref.d, days_in_month(y, m)) }
end

------------------------------------------------------------------------------

-- Lowercases, trims spaces and a trailing period, drops leading words.
local function clean(s)
  local t = lower(s):gsub("^%s+", ""):gsub("%s+$", ""):gsub("%.$", ""):gsub("%s+$", "")
  local again = true
  while again do
    again = false
    for _, lead in ipairs(LEADS) do
      if sub(t, 1, #lead) == lead and (#t == #lead or find(t, "^[%s:]", #lead + 1)) then
        t = sub(t, #lead + 1):gsub("^[%s:]+", "")
        again = true
      end
    end
  end
  return (t:gsub("^on%s+", ""):gsub("^at%s+", ""))
end

-- parse(s [, opts]) -> iso | nil, reason (see the top of the file).
function date.parse(s, opts)
  if type(s) ~= "string" then
    error("bad argument #1 to 'date' (string expected, got " .. type(s) .. ")", 2)
  end
  if opts ~= nil and type(opts) ~= "table" then
    error("bad argument #2 to 'date' (table expected, got " .. type(opts) .. ")", 2)
  end
  opts = opts or NO_OPTS
  -- fast path: a plain ISO date without a reference (what records carry),
  -- read from its bytes: no captures, no tables
  if opts.reference == nil and #s == 10 and find(s, "^%d%d%d%d%-%d%d%-%d%d$") then
    local y1, y2, y3, y4, _, m1, m2, _, d1, d2 = byte(s, 1, 10)
    local y = (y1 - 48) * 1000 + (y2 - 48) * 100 + (y3 - 48) * 10 + (y4 - 48)
    local m, d = (m1 - 48) * 10 + (m2 - 48), (d1 - 48) * 10 + (d2 - 48)
    if m < 1 or m > 12 or d < 1 or d > days_in_month(y, m) then return nil, "impossible date" end
    return s
  end
  local t = clean(s)
  if t == "" then return nil, "not a date" end
  local ref
  if opts.reference ~= nil then
    if type(opts.reference) == "string" then ref = absolute(clean(opts.reference), false) end
  end
  local count, unit = relative(t)
  if count then
    if opts.reference == nil then return nil, "relative date without a reference" end
    if not ref then return nil, "reference is not a date" end
    return to_iso(go_back(ref, count, unit))
  end
  local v, why = absolute(t, opts.dayfirst)
  if not v then return nil, why end
  if ref and later_than(v, ref) then return nil, "in the future of the reference date" end
  return to_iso(v)
end

-- The calendar helpers, for the rest of the library and the specs.
date.days_from_civil = days_from_civil
date.civil_from_days = civil_from_days
date.is_leap = is_leap

return date
