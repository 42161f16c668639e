-- Markdown: the title as a heading, a line of date, authors and site, the body.
return {
  extension = "md",
  write = function(r)
    local out = {}
    out[#out + 1] = "# " .. (r.title or r.id or "(untitled)")
    local facts = {}
    if r.date then facts[#facts + 1] = r.date end
    if r.authors and #r.authors > 0 then facts[#facts + 1] = "by " .. table.concat(r.authors, ", ") end
    if r.site then facts[#facts + 1] = r.site end
    if r.dup_of then facts[#facts + 1] = "duplicate of " .. r.dup_of end
    if #facts > 0 then out[#out + 1] = "*" .. table.concat(facts, " · ") .. "*" end
    out[#out + 1] = r.text
    return table.concat(out, "\n\n") .. "\n\n---\n\n"
  end,
}
