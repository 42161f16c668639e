-- spec/generic_spec.lua: the generic rules drop page furniture, labelled,
-- and leave body text alone even when it mentions the same words.
local document = require "stet.document"
local rules = require "stet.rules"

local function fate(text)
  local ctx = { registry = rules.registry({}), normalize = {} }
  local doc = assert(document.process({ id = "t", text = "Body sentence one is here.\n\n" .. text }, ctx))
  return doc.paragraphs[2].drop
end

describe("generic rules", function()
  local junk = {
    { "Mike Allen / AP", "credit" },
    { "Jane Doe/Getty Images", "credit" },
    { "Chip Somodevilla / Getty Images for Axios", "credit" },
    { "(AP Photo/Evan Vucci)", "credit" },
    { "NASA/JPL-Caltech", "credit" },
    { "Jean de la Fontaine / AFP", "credit" },
    { "Mary O'Neil/USA TODAY", "credit" },
    { "Jane Doe / AT&T", "credit" },
    { "Photo: Jane Doe/Getty Images", "caption" },
    { "Illustration: Rae Lindqvist/Axios", "caption" },
    { "Advertisement", "ad" },
    { "ADVERTISEMENT", "ad" },
    { "Story continues below advertisement", "ad" },
    { "Share this article", "share" },
    { "Share on Facebook", "share" },
    { "Tweet", "share" },
    { "Print", "share" },
    { "Email", "share" },
    { "Read more:", "readmore" },
    { "Continue reading", "readmore" },
    { "Related Stories", "readmore" },
    { "Sign up for our newsletter.", "newsletter" },
    { "Sign up for the Morning Briefing newsletter to get the news in your inbox.", "newsletter" },
    { "Subscribe to our daily newsletter!", "newsletter" },
    { "Get the Axios AM newsletter", "newsletter" },
    { "We use cookies to improve your experience on our site.", "cookie" },
    { "By using this site, you agree to our Privacy Policy and Terms of Use.", "cookie" },
    { "Subscribe now for unlimited access.", "subscribe" },
    { "Already a subscriber? Log in.", "subscribe" },
    { "© 2024 The Daily Bugle. All rights reserved.", "copyright" },
    { "Copyright 2024 Ridgeway Post Media", "copyright" },
    { "Copyright © 2017 Axios Media", "copyright" },
    { "Copyright (c) 2019 Example Inc.", "copyright" },
  }
  for _, case in ipairs(junk) do
    it("drops " .. case[1] .. " as " .. case[2], function()
      assert.are.equal(case[2], fate(case[1]))
    end)
  end

  local body = {
    "She said the newsletter, which she started in 2019, now reaches 40,000 readers every week.",
    "Sign up for the program closes on Friday, the county said, and about 300 families have applied so far.",
    "The photo, taken by a bystander, shows the car moments before the crash.",
    "Read more than 200 pages of testimony and you will find the same complaint again and again.",
    "Advertisement spending fell 4% in the quarter, the company said.",
    "Subscribers to the service will see prices rise by $2 a month starting in July.",
    "Police said the suspect fled toward the bridge.",
    "He said yes / no questions are hard to answer honestly.",
    "The vote was 52-48 / a narrow margin for a bill of this size, analysts said.",
    -- short lines with a "/" that are no credit: two slashes, a small
    -- word, five names, nothing after the slash
    "Jane Doe / AP / Reuters",
    "Jane Doe / AP/Reuters",
    "Jane doe / AP",
    "Jane Doe / the wire",
    "Anna Maria Jane Doe Smith / AP",
    "Jane Doe /",
    "Jane Doe / for Axios",
    "All rights reserved, the label says, but the song has been covered by dozens of bands since it was "
      .. "recorded in 1962, and nobody seems to mind that much anymore when it is played at weddings and "
      .. "funerals and everywhere in between, which is the point of a folk song after all, its author said.",
  }
  for _, text in ipairs(body) do
    it("keeps: " .. text:sub(1, 60), function()
      assert.is_nil(fate(text))
    end)
  end

  it("takes a bare \"Name / Name\" line for a credit (the two cannot be told apart)", function()
    assert.are.equal("credit", fate("Smith / Jones"))
  end)

  it("never drops paragraphs longer than its length limit", function()
    local long = "Sign up for our newsletter. " .. ("More body text follows here. "):rep(20)
    assert.is_true(#long > require("stet.sites.generic").max_length)
    assert.is_nil(fate(long))
  end)
end)

describe("function matchers with cheap tests", function()
  it("are called only on paragraphs that pass max_length and contains", function()
    local calls = 0
    local rule = rules.compile({
      name = "t", generic = false,
      drop = { slash = { match = function(p) calls = calls + 1; return p.text:find("^x/") ~= nil end,
                         max_length = 10, contains = "/" },
               zzz = "^never$" },
    }, "t.lua", "t")
    local reg = rules.registry({})
    reg.by_name.t = rule
    local doc = assert(document.process({ id = "d", site = "t",
      text = "x/y\n\nno slash here\n\nx/this one is far too long to be tested\n\nab/c" },
      { registry = reg, normalize = {} }))
    assert.are.equal(2, calls)
    assert.are.equal("slash", doc.paragraphs[1].drop)
    assert.is_nil(doc.paragraphs[2].drop)
    assert.is_nil(doc.paragraphs[3].drop)
    assert.is_nil(doc.paragraphs[4].drop)
  end)

  it("get the document table when they take a second parameter, or any number", function()
    local seen = {}
    local rule = rules.compile({
      name = "t", generic = false,
      drop = {
        one = { match = function(p) seen.one = p.text; return false end, contains = "/" },
        two = { match = function(_, doc) seen.two = doc.id; return false end, contains = "/" },
        many = { match = function(...) seen.many = select(2, ...).id; return false end, contains = "/" },
        zzz = "^never$",
      },
    }, "t.lua", "t")
    local needs = {}
    for _, f in ipairs(rule.drop_fns) do needs[rule.drops[f.pos].label] = f.needs_doc end
    -- only these two make the matcher need the document table
    assert.are.same({ one = false, two = true, many = true }, needs)
    local reg = rules.registry({})
    reg.by_name.t = rule
    assert(document.process({ id = "d7", site = "t", text = "a/b\n\nbody text" }, { registry = reg, normalize = {} }))
    assert.are.same({ one = "a/b", two = "d7", many = "d7" }, seen)
  end)

  it("refuse unknown keys", function()
    assert.has_error(function()
      rules.compile({ drop = { a = { match = function() end, maxlen = 3 } } }, "t.lua", "t")
    end)
  end)
end)
