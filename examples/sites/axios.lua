-- examples/sites/axios.lua: Axios pages scraped as plain text.
--
-- The layout (paragraphs separated by blank lines):
--   Jun 7, 2017                          date, when the scrape has it
--   Senate panel advances ...            headline, only after the date
--   Marta Quinlan / AP                   photo credit (a scrape may start here)
--   body paragraphs, some opening with a lead-in ("Why it matters: ...");
--   the lead-ins are part of the story and stay
--   Data: ...; Chart: Name/Axios         source line under a chart
--   Go deeper                            the story ends here
--   Updated 2 hours ago - Politics & Policy
--   teasers for other stories: headline, optional caption, paragraphs or a
--   numbered list; older scrapes carry them, sometimes without "Go deeper"
--
-- Everything here is declarative: the generic rules (on by default) also
-- drop credits and captions, the lines below say what is special to Axios.
return {
  name = "axios",
  domains = { "axios.com" },
  head = { "date", "title" },
  drop = {
    -- "Marta Quinlan / AP", "Gregor Halvorsen / Getty Images"
    credit = "^%u[%w%.'%- ]+ / %u[%w ]+$",
    -- "Illustration: Rae Lindqvist/Axios", "Photo: Tomas Ferrin/Getty Images"
    caption = { "^Illustration: ", "^Photo: " },
    -- "Data: National Insurance Rate Survey; Chart: Pia Sandoval/Axios"
    chart = { "^Data: .+; Chart: ", "^Chart: .+/Axios$" },
  },
  cut = {
    "^Go deeper$",
    "^Go deeper: ",
    -- a teaser header, for scrapes whose "Go deeper" line was lost
    teaser = "^Updated %d+ %a+ ago %- ",
  },
}
