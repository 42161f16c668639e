-- spec/sentences_spec.lua: news-aware sentences (stet.sentences), with cases
-- written by the team in the style of wire and newspaper copy.
local stet = require "stet"

-- Each case: text, then the sentences expected.
local cases = {
  -- plain prose
  { "The council met on Tuesday. It voted to raise fees.",
    { "The council met on Tuesday.", "It voted to raise fees." } },
  { "Did the mayor know? Nobody would say.", { "Did the mayor know?", "Nobody would say." } },
  { "The fire is out! Crews stayed overnight.", { "The fire is out!", "Crews stayed overnight." } },
  { "Turnout was low.  Officials blamed the rain.", { "Turnout was low.", "Officials blamed the rain." } },
  { "  Leading and trailing spaces are trimmed.  ", { "Leading and trailing spaces are trimmed." } },
  -- titles
  { "Mr. Alvarez declined to comment.", { "Mr. Alvarez declined to comment." } },
  { "Mrs. Okafor and Ms. Lind arrived late.", { "Mrs. Okafor and Ms. Lind arrived late." } },
  { "Dr. Patel said the trial would resume.", { "Dr. Patel said the trial would resume." } },
  { "Prof. Haines teaches at the university.", { "Prof. Haines teaches at the university." } },
  { "Sen. Maria Cortes voted no. Rep. Tom Reilly voted yes.",
    { "Sen. Maria Cortes voted no.", "Rep. Tom Reilly voted yes." } },
  { "Gov. Ellen Marsh signed the bill on Friday.", { "Gov. Ellen Marsh signed the bill on Friday." } },
  { "Gen. Adams met Lt. Col. Brooks and Sgt. Diaz at the base.",
    { "Gen. Adams met Lt. Col. Brooks and Sgt. Diaz at the base." } },
  { "The hearing is set for St. Louis County court.", { "The hearing is set for St. Louis County court." } },
  { "Martin Luther King Jr. Day falls on a Monday.", { "Martin Luther King Jr. Day falls on a Monday." } },
  { "Acme Inc. Chief Executive Dana Roe resigned.", { "Acme Inc. Chief Executive Dana Roe resigned." } },
  { "Shares of Brightline Corp. rose 4 percent.", { "Shares of Brightline Corp. rose 4 percent." } },
  { "He now works for Hale & Co. as an adviser.", { "He now works for Hale & Co. as an adviser." } },
  { "Harbor Ltd. The company was founded in 1990.", { "Harbor Ltd.", "The company was founded in 1990." } },
  { "The bill, No. 4417, passed easily.", { "The bill, No. 4417, passed easily." } },
  { "It was the No. 1 seed. The team lost anyway.", { "It was the No. 1 seed.", "The team lost anyway." } },
  { "It was Smith vs. Jones in the final.", { "It was Smith vs. Jones in the final." } },
  { "Bring tents, stoves, etc. to the camp.", { "Bring tents, stoves, etc. to the camp." } },
  { "They sold chairs, lamps, etc. The rest was donated.",
    { "They sold chairs, lamps, etc.", "The rest was donated." } },
  { "Some states, e.g. Ohio, changed the rules.", { "Some states, e.g. Ohio, changed the rules." } },
  { "The tax, i.e. the levy on fuel, rises in May.", { "The tax, i.e. the levy on fuel, rises in May." } },
  -- initialisms and initials
  { "The U.S. economy grew last quarter.", { "The U.S. economy grew last quarter." } },
  { "Prices rose in the U.S. The next day markets fell.",
    { "Prices rose in the U.S.", "The next day markets fell." } },
  { "She moved to Washington, D.C. She was 24.", { "She moved to Washington, D.C.", "She was 24." } },
  { "The U.K. government and the U.N. Security Council disagreed.",
    { "The U.K. government and the U.N. Security Council disagreed." } },
  { "U.S. President Joe Biden spoke first.", { "U.S. President Joe Biden spoke first." } },
  { "J.K. Rowling published a new novel.", { "J.K. Rowling published a new novel." } },
  { "George W. Bush attended the ceremony.", { "George W. Bush attended the ceremony." } },
  { "The letter was signed by E. B. White.", { "The letter was signed by E. B. White." } },
  { "She holds a Ph.D. in chemistry.", { "She holds a Ph.D. in chemistry." } },
  -- dates, times, places
  { "The law takes effect Jan. 1. It was passed in 2019.",
    { "The law takes effect Jan. 1.", "It was passed in 2019." } },
  { "The attacks of Sept. 11 changed air travel.", { "The attacks of Sept. 11 changed air travel." } },
  { "On Aug. 5 the storm reached the coast.", { "On Aug. 5 the storm reached the coast." } },
  { "The firm is based in Palo Alto, Calif. and employs 300 people.",
    { "The firm is based in Palo Alto, Calif. and employs 300 people." } },
  { "He grew up in Worcester, Mass. His father was a baker.",
    { "He grew up in Worcester, Mass.", "His father was a baker." } },
  { "The rally began at 10 a.m. Tuesday outside city hall.",
    { "The rally began at 10 a.m. Tuesday outside city hall." } },
  { "Polls close at 8 p.m. The count starts at once.",
    { "Polls close at 8 p.m.", "The count starts at once." } },
  { "The train left at 10.30am. Police arrived later.",
    { "The train left at 10.30am.", "Police arrived later." } },
  -- numbers and money
  { "Unemployment fell to 3.5 percent in March.", { "Unemployment fell to 3.5 percent in March." } },
  { "The deal is worth $1.2 billion. It closes next year.",
    { "The deal is worth $1.2 billion.", "It closes next year." } },
  { "Version 2.0.1 fixed the bug.", { "Version 2.0.1 fixed the bug." } },
  { "Revenue grew 12.7% to 4.1 million euros.", { "Revenue grew 12.7% to 4.1 million euros." } },
  -- quotes and attributions
  { "\"I have not had that discussion,\" he said.", { "\"I have not had that discussion,\" he said." } },
  { "\"We will rebuild,\" the mayor said. \"It will take time.\"",
    { "\"We will rebuild,\" the mayor said.", "\"It will take time.\"" } },
  { "\"Get out now!\" a firefighter shouted.", { "\"Get out now!\" a firefighter shouted." } },
  { "\"Is this legal?\" asked one resident.", { "\"Is this legal?\" asked one resident." } },
  { "\"The vote is final.\" The chairman then left.",
    { "\"The vote is final.\"", "The chairman then left." } },
  { "\u{201C}It was chaos,\u{201D} said Ms. Reyes. \u{201C}Nobody knew.\u{201D}",
    { "\u{201C}It was chaos,\u{201D} said Ms. Reyes.", "\u{201C}Nobody knew.\u{201D}" } },
  { "She called it \"a disgrace.\" Others disagreed.",
    { "She called it \"a disgrace.\"", "Others disagreed." } },
  { "He said the plan \"makes no sense\" and left.", { "He said the plan \"makes no sense\" and left." } },
  -- parentheses and brackets
  { "The agency (which declined to comment) issued a fine.",
    { "The agency (which declined to comment) issued a fine." } },
  { "Sen. Amy Klein (D-Mass.) voted against it.", { "Sen. Amy Klein (D-Mass.) voted against it." } },
  { "The report was delayed. (It is now due in May.) Critics were angry.",
    { "The report was delayed.", "(It is now due in May.)", "Critics were angry." } },
  -- datelines
  { "WASHINGTON (AP) \u{2014} The Senate passed the bill. It now goes to the House.",
    { "WASHINGTON (AP) \u{2014} The Senate passed the bill.", "It now goes to the House." } },
  { "LONDON, Jan. 5 (Reuters) - Oil prices fell on Monday.",
    { "LONDON, Jan. 5 (Reuters) - Oil prices fell on Monday." } },
  { "NEW YORK \u{2014} Stocks rallied. The Dow gained 300 points.",
    { "NEW YORK \u{2014} Stocks rallied.", "The Dow gained 300 points." } },
  -- ellipses
  { "He paused... and then he resigned.", { "He paused... and then he resigned." } },
  { "The money was gone... The auditors were called in.",
    { "The money was gone...", "The auditors were called in." } },
  { "\"We tried . . . we really tried,\" she said.", { "\"We tried . . . we really tried,\" she said." } },
  -- headlines and lists (one per line)
  { "Storm knocks out power to thousands\nCrews expect repairs by Friday.",
    { "Storm knocks out power to thousands", "Crews expect repairs by Friday." } },
  { "Key points:\n- Taxes rise 2 percent\n- Parking fees double\n",
    { "Key points:", "- Taxes rise 2 percent", "- Parking fees double" } },
  { "1. Register online.\n2. Bring an ID.", { "1. Register online.", "2. Bring an ID." } },
  { "Markets\n\nStocks fell sharply. Bonds rose.",
    { "Markets", "Stocks fell sharply.", "Bonds rose." } },
  { "Line one ends here\r\nLine two.", { "Line one ends here", "Line two." } },
}

describe("stet.sentences news rules", function()
  it("has at least 60 cases", function()
    assert.is_true(#cases >= 60, #cases .. " cases")
  end)
  for i, c in ipairs(cases) do
    it(("case %d: %s"):format(i, (c[1]:gsub("\n", "\\n"))), function()
      assert.are.same(c[2], stet.sentences(c[1]))
    end)
  end
end)

describe("stet.sentences options", function()
  it("returns spans with 1-based inclusive offsets", function()
    local s = "  One here. Two there.  "
    local spans = stet.sentences(s, { spans = true })
    assert.are.equal(2, #spans)
    for _, sp in ipairs(spans) do
      assert.are.equal(sp.text, s:sub(sp.start, sp.stop))
      assert.are.equal(sp[1], sp.text)
      assert.are.equal(sp[2], sp.start)
      assert.are.equal(sp[3], sp.stop)
    end
    assert.are.equal(3, spans[1].start)
    assert.are.equal(11, spans[1].stop)
  end)

  it("takes extra abbreviations per call", function()
    local s = "He met Supt. Grant at the station."
    assert.are.same({ "He met Supt. Grant at the station." }, stet.sentences(s))
    local t = "The fee is approx. Ten dollars."
    assert.are.same({ "The fee is approx.", "Ten dollars." },
      stet.sentences(t, { abbreviations = { approx = false } }))
    local u = "Talk to Insp. Grey now. Then leave."
    assert.are.same({ "Talk to Insp. Grey now.", "Then leave." }, stet.sentences(u))
    local v = "The Bldg. Commission met. It adjourned."
    assert.are.same({ "The Bldg.", "Commission met.", "It adjourned." }, stet.sentences(v))
    local extra = { "Bldg." }
    assert.are.same({ "The Bldg. Commission met.", "It adjourned." },
      stet.sentences(v, { abbreviations = extra }))
    -- the same table again (cached), and the defaults untouched
    assert.are.same({ "The Bldg. Commission met.", "It adjourned." },
      stet.sentences(v, { abbreviations = extra }))
    assert.are.same({ "The Bldg.", "Commission met.", "It adjourned." }, stet.sentences(v))
  end)

  it("lets a word be made a title or a starter", function()
    local s = "Ask Cmdr. Vance. Officials agreed."
    assert.are.same({ "Ask Cmdr. Vance.", "Officials agreed." }, stet.sentences(s))
    local t = "The shop is in Ohio St. Crowds gathered."
    assert.are.same({ "The shop is in Ohio St. Crowds gathered." }, stet.sentences(t))
    assert.are.same({ "The shop is in Ohio St.", "Crowds gathered." },
      stet.sentences(t, { abbreviations = { Crowds = "starter" } }))
  end)

  it("rejects a bad kind", function()
    assert.has_error(function()
      stet.sentences("A. B.", { abbreviations = { Foo = "nonsense" } })
    end)
  end)

  it("handles empty and blank input", function()
    assert.are.same({}, stet.sentences(""))
    assert.are.same({}, stet.sentences("  \n\n "))
  end)
end)
