-- stet.abbreviations: the words that the news-aware sentence rules of
-- stet.sentences know (see core/sentences.c for how they are used).
--
--   titles:        never end a sentence; a name follows ("Sen. Warren").
--   abbreviations: may end one; the sentence ends there only when the next
--                  word is a starter ("in the U.S. The next day") and goes
--                  on otherwise ("Jan. 5", "Acme Inc. Chief Executive").
--   starters:      capitalized words that begin sentences in news prose.
--
-- Words are written as in the text, with or without the final period; case
-- matters. Single capital letters (initials: "George W. Bush") and
-- initialisms ("U.S.", "J.K.", "a.m.") count as abbreviations without being
-- listed. Extend per call with stet.sentences(s, { abbreviations = {...} }):
-- array items are abbreviations, and a key maps a word to "title",
-- "abbreviation", "starter" or false (removes it). Each distinct table is
-- compiled once and cached, so build it once rather than per call.

return {
  titles = {
    "Mr", "Mrs", "Ms", "Messrs", "Mmes", "Dr", "Drs", "Prof", "Rep", "Reps", "Sen",
    "Sens", "Gov", "Govs", "Lt", "Col", "Sgt", "Capt", "Cmdr", "Adm", "Maj", "Brig",
    "Cpl", "Pvt", "Supt", "Insp", "Det", "Rev", "Hon", "Pres", "Atty", "Gen", "Fr",
    "Msgr", "Amb", "vs", "v", "e.g", "i.e", "cf", "approx", "ca", "Ft", "Mt",
  },
  abbreviations = {
    -- people and companies
    "Jr", "Sr", "Inc", "Corp", "Co", "Cos", "Ltd", "Bros", "Assn", "Dept", "Univ",
    "Ave", "Blvd", "St", "Rd", "No", "Nos", "Vol", "Ch", "pp", "p", "etc", "al",
    "a.m", "p.m", "U.S", "U.K", "U.N", "D.C", "E.U",
    -- months
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    -- U.S. states, AP style
    "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind",
    "Kan", "Kans", "Ky", "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont",
    "Neb", "Nev", "N.H", "N.J", "N.M", "N.Y", "N.C", "N.D", "Okla", "Ore", "Pa",
    "R.I", "S.C", "S.D", "Tenn", "Tex", "Va", "Vt", "Wash", "Wis", "Wyo",
  },
  starters = {
    "A", "An", "The", "This", "That", "These", "Those", "There", "Then", "Thus",
    "He", "She", "It", "They", "We", "I", "You", "His", "Her", "Its", "Their", "Our",
    "My", "Your", "But", "And", "Or", "So", "Yet", "Nor", "In", "On", "At", "As",
    "By", "For", "From", "To", "With", "Without", "Of", "After", "Before", "Since",
    "During", "Until", "When", "While", "Where", "Why", "How", "What", "Who",
    "Which", "If", "Although", "Though", "Because", "However", "Meanwhile",
    "Still", "Also", "Now", "Today", "Yesterday", "Tomorrow", "Some", "Many",
    "Most", "All", "Both", "Each", "Every", "No", "Not", "Neither", "One", "Two",
    "Officials", "Police", "Authorities", "Analysts", "Critics", "Experts",
    "Residents", "Investors", "Shares", "Stocks",
  },
}
