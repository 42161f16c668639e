-- bench/corpus_words.lua: the word lists, sentence templates and invented
-- sites that bench/gen_corpus.lua draws its news-like corpus from.
--
-- Everything here is invented by us. A template is a string with {slot}
-- markers; a slot names a list (in `topics[i]` first, then in `words`) or a
-- function of the generator (person, money, num, ...). A slot whose name
-- starts with a capital letter gives the value with its first letter
-- capitalized. List entries may themselves hold slots.
-- Text is written with curly quotes and dashes; sites with `straight = true`
-- get ASCII quotes instead.

local W = {}

W.first = {
  "James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "David", "Linda",
  "William", "Elizabeth", "Richard", "Barbara", "Joseph", "Susan", "Thomas", "Jessica",
  "Charles", "Sarah", "Daniel", "Karen", "Matthew", "Nancy", "Anthony", "Lisa",
  "Mark", "Betty", "Steven", "Margaret", "Paul", "Sandra", "Andrew", "Ashley",
  "Kevin", "Kimberly", "Brian", "Emily", "George", "Donna", "Timothy", "Michelle",
  "Ronald", "Carol", "Jason", "Amanda", "Ryan", "Melissa", "Jacob", "Deborah",
  "Gary", "Stephanie", "Nicholas", "Rebecca", "Eric", "Laura", "Jonathan", "Helen",
  "Tyrone", "Keisha", "Wei", "Mei", "Priya", "Arjun", "Aaliyah", "Omar",
  "Fatima", "Kwame", "Hiroshi", "Yuki", "Dmitri", "Olga", "Connor", "Siobhan",
  "José", "Zoë", "Renée", "Chloé", "François", "Søren", "Björn", "María",
  "Jürgen", "Raphaël", "Inés", "Noémie", "Hélène", "Zoltán", "Agnès", "Andrés",
  "Ramón", "Joaquín", "Łukasz", "Anaïs",
}

W.last = {
  "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
  "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White",
  "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King",
  "Wright", "Scott", "Hill", "Green", "Adams", "Baker", "Nelson", "Carter",
  "Mitchell", "Roberts", "Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards",
  "Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Peterson",
  "Cooper", "Reed", "Bailey", "Bell", "Kelly", "Howard", "Ward", "Cox",
  "Nguyen", "Kim", "Patel", "Chen", "Okafor", "Tanaka", "Ivanova", "O’Brien",
  "Müller", "García", "Núñez", "Peña", "Gómez", "Öztürk", "Hernández", "Sánchez",
  "Ramírez", "Lefèvre", "Bélanger", "Kovačević", "Jørgensen", "Dvořák", "Søberg", "Álvarez",
  "Brontë", "Schröder",
}

W.weekday = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" }
W.month = {
  "January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December",
}
W.month_abbr = { "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec." }
W.state = {
  "California", "Texas", "Ohio", "Michigan", "Oregon", "Georgia", "Arizona", "Colorado",
  "Minnesota", "Virginia", "Maine", "Nevada", "Illinois", "Pennsylvania", "Wisconsin",
}
W.state_abbr = { "Calif.", "Texas", "Ohio", "Mich.", "Ore.", "Ga.", "Ariz.", "Colo.", "Minn.", "Va.",
  "Maine", "Nev.", "Ill.", "Pa.", "Wis.", "Mass.", "N.Y.", "Fla." }
W.party = { "D", "R" }
W.city = {
  "Springfield", "Riverton", "Lakewood", "Fairview", "Cedar Falls", "Millbrook", "Port Alden",
  "Harlow", "Westbury", "Easton", "Granite Bay", "Marlowe", "Kingsport", "Ashford", "Dunmore",
  "Bellhaven", "Oak Ridge", "Santa Lucía", "San José", "Coeur d’Alene",
}
W.dateline = {
  "WASHINGTON", "NEW YORK", "CHICAGO", "LOS ANGELES", "DENVER", "ATLANTA", "BOSTON",
  "SEATTLE", "PHOENIX", "MIAMI", "HOUSTON", "DETROIT", "SAN JOSÉ, Calif.", "SACRAMENTO, Calif.",
  "ALBANY, N.Y.", "COLUMBUS, Ohio", "MONTRÉAL", "SÃO PAULO", "ZURICH", "LONDON", "MEXICO CITY",
}
W.university = {
  "Northfield University", "the University of Westmark", "Carver State University",
  "Lakeshore College", "the Halvorsen Institute", "Bramwell University",
}
W.paper = { "Daily Sentinel", "Morning Courier", "Evening Standard-Times", "Weekly Observer" }
W.pronoun = { "he", "she", "he", "she", "they" }
W.title = { "Mr.", "Ms.", "Dr.", "Mrs.", "Prof." }
W.office = { "mayor", "governor", "the state Senate", "Congress", "the school board", "re-election" }
W.adj = { "heated", "lengthy", "tense", "brief", "contentious", "unusually calm", "hourslong" }
W.vote = { "unanimously", "narrowly", "7-2", "5-4", "overwhelmingly", "on a party-line vote" }
W.experience = {
  "led the department since {year}", "served on the board for {num_small} years",
  "worked in city government for more than a decade", "run the company since {year}",
}
W.source = {
  "a city analysis", "estimates from the state budget office", "figures released by {org}",
  "a report by {university}", "documents obtained by {paper_ref}", "people familiar with the talks",
}
W.paper_ref = { "The Associated Press", "the Daily Sentinel", "the Morning Courier", "this newspaper" }
W.org = {
  "the Brennan Policy Center", "Norwood Energy", "Calder Freight", "Blue Heron Capital",
  "Meridian Health", "the Taxpayers Alliance of {state}", "the Riverbend Conservancy",
  "Stonegate Partners", "Ironwood Labs", "the National Association of County Clerks",
  "the American Council on Housing", "Pioneer Mutual",
}
W.company = {
  "Norwood Energy", "Calder Freight", "Ironwood Labs", "Pioneer Mutual", "Quillon Systems",
  "Bramble & Co.", "Vantor Inc.", "Helix Biotech Corp.", "Larkspur Media Ltd.",
}
W.role = {
  "a spokesperson for {org}", "the city’s budget director", "a professor of economics at {university}",
  "the mayor of {city}", "chief executive of {company}", "a senior analyst at {org}",
  "a lawyer representing {group}", "president of the local teachers union", "a retired firefighter",
  "a member of the {agency_short}", "the county’s emergency manager", "a longtime resident",
  "director of research at {org}", "a former state senator", "an organizer with {org}",
}
W.role_short = {
  "police chief", "schools superintendent", "city manager", "chief financial officer",
  "interim director", "head coach", "fire chief", "board chair",
}
W.qfrag = {
  "a step in the right direction", "deeply flawed", "long overdue", "a bad deal for {group}",
  "the best of several bad options", "a serious mistake", "exactly what {group} asked for",
  "not nearly enough", "a promise we intend to keep",
}
W.qsent = {
  "We have to {action}", "This is about {group}, and we owe them an answer",
  "Nobody wants to {action}, but the numbers are the numbers",
  "I’ve been doing this for {num_small} years and I’ve never seen anything like it",
  "We’re going to keep pushing until the {agency_short} listens", "It’s a good first step",
  "People are tired of waiting", "There’s a lot of work still to be done",
  "The {plan} isn’t perfect, but it’s the best we could do", "We can’t afford to wait another year",
  "I don’t know where the money is going to come from", "Frankly, it’s embarrassing",
  "Our job is to make sure {group} are heard", "It’s not about politics — it’s about {issue}",
  "We did everything they asked us to do", "I think we will get there, eventually",
}
W.teaser_verb = { "approves", "rejects", "delays", "weighs", "unveils", "defends", "questions" }

-- Topics: the lists that make one article hang together.
W.topics = {
  {
    name = "budget",
    plan = { "budget proposal", "spending plan", "property tax increase", "bond measure", "pension overhaul" },
    action = { "cut library hours", "raise parking fees", "hire more firefighters",
      "delay the road repairs", "freeze hiring", "close the budget gap" },
    group = { "residents", "council members", "union leaders", "small-business owners", "taxpayers" },
    place = { "City Hall", "the council chambers", "the public library", "the community center" },
    issue = { "the deficit", "rising pension costs", "the shortfall", "overtime spending" },
    agency = { "the city council", "the finance committee", "the mayor’s office" },
    agency_short = { "council", "committee", "city" },
  },
  {
    name = "transit",
    plan = { "bus network redesign", "light-rail extension", "fare increase", "bike lane plan", "bridge repair" },
    action = { "add late-night service", "raise fares by {num_small} cents", "close the bridge for repairs",
      "hire more bus drivers", "rebuild the station" },
    group = { "commuters", "riders", "bus drivers", "neighborhood groups", "cyclists" },
    place = { "Union Station", "the transit center", "the Fifth Street bridge", "the downtown depot" },
    issue = { "chronic delays", "a shortage of drivers", "falling ridership", "crumbling infrastructure" },
    agency = { "the transit authority", "the Department of Transportation", "the regional planning board" },
    agency_short = { "authority", "department", "board" },
  },
  {
    name = "storm",
    plan = { "evacuation order", "recovery plan", "flood-control project", "emergency declaration" },
    action = { "reopen the highway", "restore power to every home", "open more shelters",
      "clear the debris", "rebuild the levee" },
    group = { "residents", "emergency crews", "utility workers", "farmers", "homeowners" },
    place = { "the county fairgrounds", "the high school gym", "the Red Cross shelter", "the river road" },
    issue = { "the flooding", "widespread power outages", "the storm damage", "rising water" },
    agency = { "the National Weather Service", "the county emergency office", "the utility company" },
    agency_short = { "county", "utility", "agency" },
  },
  {
    name = "schools",
    plan = { "school calendar", "school consolidation plan", "teacher contract", "reading program" },
    action = { "close two elementary schools", "raise teacher pay", "hire more counselors",
      "start classes later", "cut bus routes" },
    group = { "parents", "teachers", "students", "school board members", "principals" },
    place = { "the district office", "Lincoln Middle School", "the high school auditorium" },
    issue = { "declining enrollment", "teacher turnover", "chronic absenteeism", "the budget shortfall" },
    agency = { "the school board", "the state education department", "the district" },
    agency_short = { "board", "district", "department" },
  },
  {
    name = "court",
    plan = { "lawsuit", "settlement", "appeal", "consent decree", "ruling" },
    action = { "release the records", "pay damages", "overturn the verdict", "halt the project",
      "reopen the investigation" },
    group = { "plaintiffs", "prosecutors", "defense lawyers", "the families", "jurors" },
    place = { "the federal courthouse", "the state Supreme Court", "the county jail" },
    issue = { "police misconduct", "the contract dispute", "wrongful convictions", "the zoning fight" },
    agency = { "the U.S. Court of Appeals", "the district attorney’s office", "the attorney general" },
    agency_short = { "court", "office", "state" },
  },
  {
    name = "health",
    plan = { "hospital merger", "vaccination campaign", "clinic expansion", "Medicaid change" },
    action = { "add {num_small} hundred beds", "extend clinic hours", "hire more nurses",
      "close the maternity ward", "expand testing" },
    group = { "patients", "nurses", "doctors", "public health officials", "caregivers" },
    place = { "St. Mary’s Hospital", "the county health department", "the new clinic on Elm St." },
    issue = { "staffing shortages", "long wait times", "rising drug prices", "the measles outbreak" },
    agency = { "the health department", "the hospital board", "the U.S. Centers for Disease Control" },
    agency_short = { "department", "board", "hospital" },
  },
  {
    name = "tech",
    plan = { "data center", "layoffs", "acquisition", "software update", "privacy policy" },
    action = { "cut {num} jobs", "build a new campus", "pay a fine of {money}", "delay the launch",
      "sell the division" },
    group = { "employees", "investors", "regulators", "users", "analysts" },
    place = { "the company’s headquarters", "the new campus", "the annual developer conference" },
    issue = { "slowing sales", "antitrust scrutiny", "a data breach", "the chip shortage" },
    agency = { "the Federal Trade Commission", "the company’s board", "European regulators" },
    agency_short = { "company", "board", "FTC" },
  },
  {
    name = "housing",
    plan = { "rezoning plan", "rent control measure", "affordable housing project", "eviction moratorium" },
    action = { "build {num} new apartments", "cap rent increases", "tear down the old mill",
      "speed up permits", "buy the vacant lot" },
    group = { "tenants", "landlords", "developers", "neighbors", "housing advocates" },
    place = { "the old mill site", "the planning office", "the Riverside neighborhood" },
    issue = { "soaring rents", "the housing shortage", "homelessness", "vacant storefronts" },
    agency = { "the planning commission", "the housing authority", "the zoning board" },
    agency_short = { "commission", "authority", "board" },
  },
}

-- Sentences of an article body. {Last}/{last} refers to someone named earlier
-- in spirit only; the generator does not track people.
W.sentences = {
  "{Agency} voted {vote} on {weekday} to approve the {plan}, which supporters say will {action}.",
  "The {plan} would cost about {money} over {num_small} years, according to {source}.",
  "“{Qsent},” said {person}, {role}.",
  "“{Qsent}. {Qsent},” {last} said.",
  "{Person}, {role}, said the {plan} was “{qfrag}.”",
  "Critics, including some {group}, argue that {issue} has been ignored for years — and that the {plan} "
    .. "does little to change that.",
  "The decision came after {num} {group} signed a petition calling on {agency} to {action}.",
  "In {month}, the {agency_short} reported that {issue} had grown by {pct} compared with the same period last year.",
  "Officials said {place} would remain open until {time} on {weekday}.",
  "{Title} {last}, who has {experience}, did not respond to a request for comment on {weekday}.",
  "A spokesperson for {org} said the group was “reviewing the {plan}” and declined to comment further.",
  "The {agency_short} is expected to take up the measure again on {month_abbr} {day}.",
  "More than {num} people attended the meeting at {place}, many of them {group}.",
  "According to a report released {weekday} by {org}, {issue} cost the region roughly {money} last year.",
  "Sen. {last}, {party}-{state_abbr}, called the proposal “{qfrag}.”",
  "Rep. {last}, {party}-{state_abbr}, said in a statement that the U.S. government should {action}.",
  "The vote was {small}-{small}.",
  "“We’re not going to {action} overnight,” {person} said. “{Qsent}.”",
  "It was not immediately clear how the {plan} would affect {group} in {city}.",
  "{Last} said {pronoun} expected a final decision by the end of {month}.",
  "Dr. {last}, a professor at {university}, said the data showed a {pct} increase since {year}.",
  "Shares of {company} rose {small}.{digit}% to ${price} in early trading on {weekday}.",
  "The {plan} was first proposed in {year} by then-Mayor {person}.",
  "Neither {org} nor the {agency_short} responded to questions about {issue}.",
  "The meeting began at {time} and lasted nearly {num_small} hours.",
  "That figure is up from about {money} in {year}, when {issue} first drew wide attention.",
  "Asked whether the {agency_short} would {action}, {last} said: “{Qsent}.”",
  "“I don’t think anyone expected this,” said {person}, {age}, who has lived in {city} for {num_small} years.",
  "The report, which runs to {num} pages, also recommends that officials {action} by {year}.",
  "Some {group} said they learned about the change only last week — and many said they still had questions.",
  "For now, {place} remains closed, and {group} have been told to check the city’s website for updates.",
  "The proposal would also {action}, a change that {group} have sought since at least {year}.",
  "The {agency_short} estimated that roughly {pct} of {group} would be affected.",
  "Mr. {last} declined to say whether {pronoun} would run for {office} in {year}.",
  "In a ruling released {weekday}, Judge {person} wrote that the {plan} was “{qfrag}.”",
  "The company said it had about {num} employees in {state} at the end of {year}.",
  "Officials in the U.S. and the U.K. discussed {issue} at a meeting in Washington, D.C., in {month}.",
  "Officials expect the work to be finished by {month_abbr} {day}, weather permitting.",
  "{Person} said the group would meet again at {time} {weekday}, {month_abbr} {day}, at {place}.",
  "The {plan} passed the state House on a {small}-{small} vote last {month} but stalled in the Senate.",
  "“Where’s the money going to come from?” asked {person}, who spoke during the public comment period.",
  "{Group} packed {place} on {weekday} night, some holding signs that read “{Qfrag}.”",
  "The changes take effect {month} 1, about {num_small} months later than first planned.",
  "By comparison, neighboring {city} spent {money} on a similar effort in {year}.",
  "Even so, {issue} remains the top concern for {group}, according to a poll of {num} likely voters "
    .. "conducted by {university}; the margin of error was {small}.{digit} percentage points.",
  "The {agency_short} first looked at the idea in {year} — then shelved it… until this spring.",
  "{Person} (no relation to the council member) called the {plan} “{qfrag}” and urged {group} to speak up.",
  "Under the agreement, {company} will {action} and pay {money} to the city, i.e., more than twice the "
    .. "amount offered in {year}.",
  "At about {time}, crews began to {action} near {place}, officials said.",
  "The letter was signed by {num_small} former officials, among them {person} and {person}.",
  "“{Qsent},” {person} told reporters after the meeting. “{Qsent}.”",
  "“It’s {qfrag},” said {person}. “{Qsent}.”",
  "{Person}’s office said in an email that the {agency_short}’s review “will take as long as it takes.”",
  "“Honestly? {Qsent},” said {person}, {role}, who asked that {pronoun} not be photographed.",
  "The {agency_short}’s lawyer, {person}, said the city “did nothing wrong” — a claim {group} dispute.",
  "“We’ve heard from {group} — loud and clear,” {last} said.",
}

W.headlines = {
  "{Agency} approves {plan} after {adj} debate",
  "{City} {group} push back on {plan}",
  "What the {plan} means for {group}",
  "{Org} says {issue} is getting worse",
  "{Person} named {role_short} in {city}",
  "Vote on {plan} delayed until {month}",
  "{Num_small} things to know about the {plan}",
  "{Company} to {action} amid {issue}",
  "{Group} brace for {issue} as {agency_short} weighs options",
  "Judge rules on {plan}; {group} vow to appeal",
  "{City} {agency_short} {teaser_verb} {plan}",
  "Can {agency} fix {issue}? {Group} aren’t so sure",
}

-- The invented sites: each repeats its own boilerplate around its articles.
-- Fields: display, domain, agency (credit suffix), wire (dateline names the
-- agency), straight (ASCII quotes), lines (one paragraph per line, no blank
-- lines), nav, ad (inserted every `ad_every` paragraphs), promo (after
-- paragraph `promo_at`), teaser (heading of a "read more" block), footer.
W.sites = {
  {
    name = "harborledger", display = "The Harbor Ledger", domain = "harborledger.com", agency = "AP",
    wire = true, dateline_style = "long",
    nav = "Home | Local | Politics | Business | Sports | Opinion | Obituaries | e-Edition",
    promo_at = 3,
    promo = {
      "Sign up for our newsletter to get the day’s top stories delivered to your inbox every morning.",
      "Sign up for The Harbor Ledger’s Morning Briefing, delivered to your inbox at 6 a.m. every weekday.",
    },
    teaser = "Read more:",
    footer = {
      "Copyright 2024 The Associated Press. All rights reserved. This material may not be published, "
        .. "broadcast, rewritten or redistributed without permission.",
      "© 2024 The Harbor Ledger, a division of Tidewater Media Group. All rights reserved.",
    },
  },
  {
    name = "valleytribune", display = "Valley Tribune", domain = "valleytribune.net", agency = "Valley Tribune",
    dateline_style = "short",
    ad = "Advertisement", ad_every = 4,
    promo_at = 5,
    promo = {
      "Support local journalism. Subscribe to the Valley Tribune for just $1 a week for the first three months.",
    },
    teaser = "Related coverage",
    footer = {
      "Have a news tip? Email us at tips@valleytribune.net or call 555-0142.",
      "Comments are closed on this story.",
      "© Valley Tribune 2024 — Terms of Use | Privacy Policy | Cookie Settings | Contact Us",
    },
  },
  {
    name = "capitolwire", display = "Capitol Wire", domain = "capitolwire.org", agency = "CW",
    wire = true, straight = true, dateline_style = "iso",
    promo_at = 6,
    promo = {
      "Capitol Wire is a nonprofit newsroom. Donate today to support independent reporting on state government.",
    },
    teaser = "More from Capitol Wire",
    footer = {
      "Capitol Wire stories may be republished free of charge with credit. Contact editors@capitolwire.org.",
    },
  },
  {
    name = "northstardaily", display = "Northstar Daily", domain = "northstardaily.com", agency = "Northstar Daily",
    lines = true, dateline_style = "long",
    nav = "Skip to content",
    ad = "Story continues below advertisement", ad_every = 5,
    promo_at = 2,
    promo = {
      "Get breaking news alerts: download the Northstar Daily app for iPhone and Android.",
      "Want more stories like this? Follow Northstar Daily on social media.",
    },
    teaser = "Most Read",
    footer = {
      "This article was originally published on northstardaily.com.",
      "Northstar Daily, 410 Market St., Suite 300, Fairview — All content © 2024, all rights reserved.",
    },
  },
  {
    name = "metroherald", display = "The Metro Herald", domain = "metroherald.com", agency = "AP",
    dateline_style = "updated",
    nav = "Menu  Search  Subscribe  Log In",
    promo_at = 4,
    promo = {
      "We use cookies to improve your experience. By continuing to use this site, you agree to our Privacy Policy.",
    },
    teaser = "Read more:",
    footer = {
      "The Metro Herald’s coverage of local government is supported in part by the Civic Press Fund.",
      "Correction: An earlier version of this story misstated the date of the next meeting.",
      "© 2024 The Metro Herald. All rights reserved.",
    },
  },
  {
    name = "coastalpost", display = "The Coastal Post", domain = "coastalpost.news", agency = "The Coastal Post",
    dateline_style = "short",
    ad = "ADVERTISEMENT", ad_every = 3,
    promo_at = 3,
    promo = {
      "Enjoying this story? You have 3 free articles left this month. Subscribe now for unlimited access.",
      "Don’t miss a story: sign up for The Coastal Post’s free daily newsletter.",
    },
    teaser = "Related:",
    footer = {
      "Join the conversation: share your thoughts in the comments below.",
      "The Coastal Post — Independent news for the coast since 1921. © 2024",
    },
  },
  {
    name = "plainsgazette", display = "Plains Gazette", domain = "plainsgazette.com", agency = "Reuters",
    wire = true, dateline_style = "iso",
    promo_at = 4,
    promo = { "Reporting by {Person}; editing by {Person}" },
    teaser = "Trending now",
    footer = {
      "Our standards: The Thomson Reuters Trust Principles.",
      "Plains Gazette | About | Advertise | Careers | Privacy | Terms © 2024",
    },
  },
}

return W
