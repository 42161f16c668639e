-- spec/date_spec.lua: stet.date, the news date parser.
local stet = require "stet"

-- Each case: input, expected ISO string.
local absolute = {
  { "Jun 7, 2017", "2017-06-07" },
  { "June 7, 2017", "2017-06-07" },
  { "JUNE 7, 2017", "2017-06-07" },
  { "Jun. 7, 2017", "2017-06-07" },
  { "June 7th, 2017", "2017-06-07" },
  { "7 June 2017", "2017-06-07" },
  { "7th June 2017", "2017-06-07" },
  { "07 Jun 2017", "2017-06-07" },
  { "2017-06-07", "2017-06-07" },
  { "2017/06/07", "2017-06-07" },
  { "06/07/2017", "2017-06-07" },
  { "6/7/2017", "2017-06-07" },
  { "06-07-2017", "2017-06-07" },
  { "07.06.2017", "2017-06-07" },
  { "Wed June 7, 2017", "2017-06-07" },
  { "Wednesday, June 7, 2017", "2017-06-07" },
  { "Sept. 5, 2019", "2019-09-05" },
  { "5 Sept 2019", "2019-09-05" },
  { "Sep 5, 2019", "2019-09-05" },
  { "Feb 29, 2016", "2016-02-29" },
  { "Feb 29, 2000", "2000-02-29" },
  { "Dec 31, 1999", "1999-12-31" },
  { "Published June 7, 2017", "2017-06-07" },
  { "Updated: June 7, 2017", "2017-06-07" },
  { "Posted on June 7, 2017", "2017-06-07" },
  { "Last updated June 7, 2017", "2017-06-07" },
  { "  June 7, 2017.  ", "2017-06-07" },
  { "Updated 10:31 AM EDT, Wed June 7, 2017", "2017-06-07T10:31:00-04:00" },
  { "June 7, 2017 10:31 AM", "2017-06-07T10:31:00" },
  { "June 7, 2017 at 3:05 p.m.", "2017-06-07T15:05:00" },
  { "June 7, 2017 10pm", "2017-06-07T22:00:00" },
  { "12:05 AM June 7, 2017", "2017-06-07T00:05:00" },
  { "12:05 PM June 7, 2017", "2017-06-07T12:05:00" },
  { "June 7, 2017 10:31 UTC", "2017-06-07T10:31:00Z" },
  { "June 7, 2017 10:31 GMT", "2017-06-07T10:31:00Z" },
  { "June 7, 2017 10:31 EST", "2017-06-07T10:31:00-05:00" },
  { "June 7, 2017 10:31 CST", "2017-06-07T10:31:00-06:00" },
  { "June 7, 2017 10:31 CDT", "2017-06-07T10:31:00-05:00" },
  { "June 7, 2017 10:31 MST", "2017-06-07T10:31:00-07:00" },
  { "June 7, 2017 10:31 MDT", "2017-06-07T10:31:00-06:00" },
  { "June 7, 2017 10:31 PST", "2017-06-07T10:31:00-08:00" },
  { "June 7, 2017 10:31 PDT", "2017-06-07T10:31:00-07:00" },
  { "June 7, 2017 10:31 BST", "2017-06-07T10:31:00+01:00" },
  { "June 7, 2017 10:31 CET", "2017-06-07T10:31:00+01:00" },
  { "June 7, 2017 10:31 CEST", "2017-06-07T10:31:00+02:00" },
  { "June 7, 2017 10:31 +05:30", "2017-06-07T10:31:00+05:30" },
  { "June 7, 2017 10:31 GMT+2", "2017-06-07T10:31:00+02:00" },
  { "June 7, 2017 10:31 ET", "2017-06-07T10:31:00-04:00" },   -- summer: EDT
  { "Jan 7, 2017 10:31 ET", "2017-01-07T10:31:00-05:00" },    -- winter: EST
  { "Nov 5, 2017 3:30 ET", "2017-11-05T03:30:00-05:00" },     -- DST ended at 2:00
  { "Mar 12, 2017 3:30 PT", "2017-03-12T03:30:00-07:00" },    -- DST began at 2:00
  { "2017-06-07T10:31:00Z", "2017-06-07T10:31:00Z" },
  { "2017-06-07T10:31:00-04:00", "2017-06-07T10:31:00-04:00" },
  { "2017-06-07T10:31:00.123+0200", "2017-06-07T10:31:00+02:00" },
  { "2017-06-07 10:31", "2017-06-07T10:31:00" },
  { "Wed, 07 Jun 2017 10:31:00 +0000", "2017-06-07T10:31:00Z" },
  { "June 7, 2017 \u{B7} 10:31 AM", "2017-06-07T10:31:00" },
  -- ISO dates as records carry them (read from their bytes, no reference)
  { "2016-02-29", "2016-02-29" },
  { "2000-02-29", "2000-02-29" },
  { "1999-12-31", "1999-12-31" },
  { "2021-01-01", "2021-01-01" },
  { "2017-11-30", "2017-11-30" },
}

-- Each case: input, expected reason.
local refused = {
  { "Feb 30, 2017", "impossible date" },
  { "Feb 29, 2017", "impossible date" },
  { "Feb 29, 1900", "impossible date" },
  { "April 31, 2017", "impossible date" },
  { "13/01/2017", "impossible date" },
  { "2017-13-01", "impossible date" },
  { "2017-00-10", "impossible date" },
  { "2017-06-00", "impossible date" },
  { "2017-02-29", "impossible date" },
  { "1900-02-29", "impossible date" },
  { "2017-04-31", "impossible date" },
  { "2017-06-7x", "not a date" },
  { "June 0, 2017", "impossible date" },
  { "June 7, 2017 25:00", "impossible time" },
  { "June 7, 2017 10:61", "impossible time" },
  { "13:00 PM June 7, 2017", "impossible time" },
  { "hello", "not a date" },
  { "", "not a date" },
  { "   ", "not a date" },
  { "June 2017", "not a date" },
  { "June 7", "not a date" },
  { "2017", "not a date" },
  { "10:31 AM", "not a date" },
  { "06/07/17", "not a date" },
  { "June 7, 2017 by Jane Doe", "not a date" },
  { "Updated 2 hours ago - Politics & Policy", "not a date" },
  { "The June 7, 2017 meeting", "not a date" },
  { "June 7, 2017 EDT", "not a date" },          -- a zone needs a time
  { "June 7, 2017 10:31 XYZ", "not a date" },
  { "June 7th7, 2017", "not a date" },
}

describe("stet.date", function()
  describe("absolute forms", function()
    for _, c in ipairs(absolute) do
      it(("parses %q"):format(c[1]), function()
        local iso, why = stet.date(c[1])
        assert.are.equal(c[2], iso, why)
      end)
    end
  end)

  describe("refusals", function()
    for _, c in ipairs(refused) do
      it(("refuses %q: %s"):format(c[1], c[2]), function()
        local iso, why = stet.date(c[1])
        assert.is_nil(iso)
        assert.are.equal(c[2], why)
      end)
    end
  end)

  describe("day-first", function()
    it("reads numeric dates month first by default", function()
      assert.are.equal("2017-06-07", stet.date("06/07/2017"))
    end)
    it("reads them day first with dayfirst = true", function()
      assert.are.equal("2017-07-06", stet.date("06/07/2017", { dayfirst = true }))
    end)
    it("refuses 25/12/2017 in US order but takes it day first", function()
      assert.are.same({ nil, "impossible date" }, { stet.date("25/12/2017") })
      assert.are.equal("2017-12-25", stet.date("25/12/2017", { dayfirst = true }))
    end)
    it("does not change spelled-out months", function()
      assert.are.equal("2017-06-07", stet.date("June 7, 2017", { dayfirst = true }))
    end)
  end)

  describe("relative forms", function()
    local ts = { reference = "2017-06-07T12:00:00-04:00" }
    local day = { reference = "2017-06-07" }

    it("need a reference", function()
      for _, s in ipairs({ "Updated 2 hours ago", "3 days ago", "yesterday", "an hour ago" }) do
        assert.are.same({ nil, "relative date without a reference" }, { stet.date(s) })
      end
    end)
    it("refuse a reference that is not a date", function()
      assert.are.same({ nil, "reference is not a date" },
        { stet.date("3 days ago", { reference = "soon" }) })
    end)
    it("give a timestamp for hours against a timestamp", function()
      assert.are.equal("2017-06-07T10:00:00-04:00", stet.date("Updated 2 hours ago", ts))
      assert.are.equal("2017-06-07T11:00:00-04:00", stet.date("an hour ago", ts))
      assert.are.equal("2017-06-07T11:50:00-04:00", stet.date("10 minutes ago", ts))
      assert.are.equal("2017-06-06T23:00:00-04:00", stet.date("13 hours ago", ts))
      assert.are.equal("2017-06-07T09:00:00-04:00", stet.date("3h ago", ts))
    end)
    it("give the date for hours against a date", function()
      assert.are.equal("2017-06-07", stet.date("2 hours ago", day))
    end)
    it("give a date for days, weeks, months, years", function()
      assert.are.equal("2017-06-04", stet.date("3 days ago", ts))
      assert.are.equal("2017-06-06", stet.date("yesterday", ts))
      assert.are.equal("2017-06-06", stet.date("Updated yesterday", day))
      assert.are.equal("2017-05-31", stet.date("1 week ago", day))
      assert.are.equal("2017-04-07", stet.date("2 months ago", day))
      assert.are.equal("2016-06-07", stet.date("a year ago", day))
    end)
    it("cross month, year and leap-day boundaries", function()
      assert.are.equal("2017-02-27", stet.date("3 days ago", { reference = "2017-03-02" }))
      assert.are.equal("2016-02-29", stet.date("1 day ago", { reference = "2016-03-01" }))
      assert.are.equal("2016-12-31", stet.date("yesterday", { reference = "2017-01-01" }))
      assert.are.equal("2016-02-29", stet.date("1 month ago", { reference = "2016-03-31" }))
      assert.are.equal("2016-12-31T23:30:00Z", stet.date("1 hour ago", { reference = "2017-01-01T00:30:00Z" }))
    end)
  end)

  describe("the reference date", function()
    local ref = { reference = "2017-06-07T12:00:00-04:00" }
    it("refuses later dates", function()
      assert.are.same({ nil, "in the future of the reference date" }, { stet.date("June 8, 2017", ref) })
      assert.are.same({ nil, "in the future of the reference date" },
        { stet.date("June 7, 2017 1:00 PM EDT", ref) })
      assert.are.same({ nil, "in the future of the reference date" },
        { stet.date("2017-06-07T16:30:00Z", ref) })
    end)
    it("accepts the same day and earlier", function()
      assert.are.equal("2017-06-07", stet.date("June 7, 2017", ref))
      assert.are.equal("2017-06-07T11:00:00-04:00", stet.date("June 7, 2017 11:00 AM EDT", ref))
      assert.are.equal("2017-06-07T15:30:00Z", stet.date("2017-06-07T15:30:00Z", ref))
      assert.are.equal("2016-01-01", stet.date("Jan 1, 2016", ref))
    end)
  end)

  it("raises on a non-string argument", function()
    assert.has_error(function() stet.date(nil) end)
    assert.has_error(function() stet.date(20170607) end)
  end)

  it("round-trips every day of four years through the calendar helpers", function()
    local D = require "stet.date"
    local n = D.days_from_civil(2015, 1, 1)
    assert.are.equal(16436, n)
    for k = 0, 4 * 366 do
      local y, m, d = D.civil_from_days(n + k)
      assert.are.equal(n + k, D.days_from_civil(y, m, d))
      assert.are.equal(("%04d-%02d-%02d"):format(y, m, d), stet.date(("%04d-%02d-%02d"):format(y, m, d)))
    end
  end)
end)
