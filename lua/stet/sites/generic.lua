-- stet/sites/generic.lua: the generic rules, applied to every document
-- (unless a site's rule file says `generic = false`) and alone when no site
-- matches. Rule files see this table as the global `generic`, to reuse its
-- patterns.
--
-- They must be conservative: a pattern matches a whole short paragraph that
-- is page furniture, never a body sentence that merely mentions a newsletter
-- or a photo. Patterns are tried on the normalized paragraph text.

local find, sub = string.find, string.sub

-- Up to `max` words, each capitalized (initials, capitals, hyphens and
-- apostrophes allowed; "de", "van", "von", "da", "del", "la" may stand
-- between).
local particles = { de = true, van = true, von = true, da = true, del = true, la = true, der = true }
local function capitalized_words(s, max)
  local n = 0
  for w in s:gmatch("%S+") do
    n = n + 1
    if n > max or not (find(w, "^%u[%a%.'%-&]*$") or particles[w]) then return false end
  end
  return n > 0
end

-- A photo credit: a name, one "/", an agency: "Mike Allen / AP",
-- "Jane Doe/Getty Images", "Chip Somodevilla / Getty Images for Axios".
-- (The name is tested first: in most paragraphs with a "/" it is no name.)
local function generic_credit(text)
  if #text > 80 then return false end
  local slash = find(text, "/", 1, true)
  if not slash or find(text, "/", slash + 1, true) then return false end
  if not capitalized_words(sub(text, 1, slash - 1), 4) then return false end
  return capitalized_words((sub(text, slash + 1):gsub(" for %u[%w ]*$", "")), 4)
end

local generic = {
  name = "generic",
  drop = {
    -- "Mike Allen / AP", "Jane Doe/Getty Images", "(AP Photo/Evan Vucci)"
    credit = {
      { match = function(p) return generic_credit(p.text) end, max_length = 80, contains = "/" },
      "^%(AP Photo/[^)]*%)$",
      "^%(?[Pp]hoto:? [^)]*%)?$",
    },
    caption = {
      "^Photo: .*$", "^Photos: ", "^Photograph: ", "^Illustration: ",
      "^Image: ", "^Image credit: ", "^Photo credit: ", "^Video: ",
      "^%[[Pp]hoto[^%]]*%]$",
    },
    ad = { "^[Aa]dvertisement$", "^ADVERTISEMENT$", "^Sponsored$", "^SPONSORED$",
           "^Story continues below advertisement$", "^Continue reading below$" },
    share = {
      "^Share$", "^Share this:?$", "^Share this article$", "^Share this story$",
      "^Tweet$", "^Print$", "^Email$", "^E%-mail$", "^Share on Facebook$",
      "^Share on Twitter$", "^Facebook$", "^Twitter$", "^LinkedIn$", "^WhatsApp$",
      "^Copy link$", "^Save$", "^Comments?$",
      "^Facebook ?Twitter ?[%a ]*$",
    },
    readmore = { "^Read more:?$", "^READ MORE:?$", "^Read More$", "^Continue reading:?$",
                 "^Read the full story", "^Related:?$", "^Related [Ss]tories:?$",
                 "^Related [Cc]overage:?$", "^Recommended:?$", "^More from " },
    newsletter = {
      "^Sign up for [%w%s%p]-newsletters?[%.!]?$",
      "^Sign up for [%w%s%p]-newsletters? [%w%s%p]-[%.!]?$",
      "^Subscribe to [%w%s%p]-newsletters?[%.!]?$",
      "^Get [%w%s%p]- newsletters? [%w%s%p]-inbox[%.!]?$",
      "^Get the [%w%s%p]- newsletter[%.!]?$",
      "^Want [%w%s%p]-in your inbox%?",
      "^This story [%w%s%p]- newsletter[%.!]?$",
    },
    cookie = { "^We use cookies", "^This site uses cookies", "^This website uses cookies",
               "^By using this site, you agree", "^By continuing to use this site",
               "cookies? [Pp]olicy%.?$" },
    subscribe = { "^Subscribe now", "^Subscribe today", "^Already a subscriber%?",
                  "^Subscribe for ", "^Become a subscriber", "^Support our journalism",
                  "^Log in to continue", "^Create a free account" },
    -- (a "?" after "©" would apply to its last byte only: spell variants out)
    copyright = { "^©", "^Copyright %d%d%d%d", "^Copyright © ?%d%d%d%d", "^Copyright %(c%)",
                  "^Copyright%s+%u", "All [Rr]ights [Rr]eserved%.?$",
                  "^%(c%) %d%d%d%d" },
  },
}

-- A paragraph longer than this is body text whatever pattern it matches.
generic.max_length = 300

return generic
