-- examples/sites/harbor-ledger.lua: The Harbor Ledger, an (invented) coastal
-- daily whose pages scrape with every paragraph on one line and no blank
-- lines between them.
--
-- The layout, one paragraph per line:
--   Ferry fares to rise 8% in April as fuel costs climb      headline
--   Posted 04/03/2024                                        date, day first
--   Listen to this article                                   audio player
--   body lines, with "READ ALSO: <headline>" and
--   "Related: <headline>" links between them
--   Tip line: 555-0142 or tips@harborledger.example          footer
--   Related:                                                 the story ends:
--   <headline>                                               a block of links
--   <headline>
return {
  name = "harbor-ledger",
  domains = { "harborledger.example" },
  paragraphs = "lines",
  head = { "title", { "date", pattern = "^Posted (.+)$", dayfirst = true } },
  drop = {
    audio = "^Listen to this article",
    readalso = "^READ ALSO: ",
    -- a single link inside the story, as opposed to the block at the end
    related = "^Related: %S",
    tipline = "^Tip line: ",
  },
  cut = {
    -- the "Related:" block of links that closes every page
    related = "^Related:$",
  },
}
