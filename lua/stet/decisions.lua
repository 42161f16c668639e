-- stet.decisions: what `stet clean` decides between its two passes, from
-- the pass-1 summaries of the documents (stet.pipeline): the duplicate
-- clusters (exact by body fingerprint, near by MinHash and LSH), the
-- survivor of each cluster and the metadata it takes from the others, and
-- the paragraph counts per site with each cluster counted once (the
-- boilerplate filter's table).

local stet = require "stet"
local document = require "stet.document"

local decisions = {}

-- The default survivor order: most complete metadata, then longest body,
-- then first seen. Returns true when a should survive rather than b.
local function completeness(d)
  return (d.title and 1 or 0) + (d.date and 1 or 0) + ((d.authors and #d.authors > 0) and 1 or 0)
end
function decisions.default_prefer(a, b)
  local ca, cb = completeness(a), completeness(b)
  if ca ~= cb then return ca > cb end
  if a.body_len ~= b.body_len then return a.body_len > b.body_len end
  return a.index < b.index
end

-- Duplicate clusters among pass-1 summaries (in input order, keys
-- increasing): arrays of two or more indices, each sorted, in order of
-- their first member (a document alone is in no cluster). Exact duplicates
-- by body fingerprint first; near duplicates by MinHash and LSH among the
-- distinct bodies. The summary store (core/lua_sumstore.c) finds them; the
-- two-pass `stet clean` fills one as pass 1 goes (stet.pipeline.collect).
function decisions.clusters(summaries, ctx)
  local st = stet._sumstore(nil, ctx.near or 0, ctx.minhash and ctx.minhash.bands or 14)
  for _, s in ipairs(summaries) do st:add(s.index, s) end
  return st:clusters()
end

-- Chooses survivors and merges metadata. Sets, per index of a cluster
-- member, decision[i] = { dup_of = id } or { survivor = true, title =,
-- date =, authors = }; a document in no cluster has no decision.
function decisions.decide(summaries_by_index, clusters, ctx)
  local decision = {}
  for _, members in ipairs(clusters) do
    local best = summaries_by_index[members[1]]
    local rule = ctx.registry.by_name[best.rule]
    local prefer = rule and rule.prefer
    if prefer then -- summaries leave out empty author lists; hooks get one
      for _, m in ipairs(members) do
        local s = summaries_by_index[m]
        s.authors = s.authors or {}
      end
    end
    for i = 2, #members do
      local s = summaries_by_index[members[i]]
      local better
      if prefer then
        local ok, res = document.call_hook(ctx, rule, prefer, s, best)
        better = ok and res
      else
        better = decisions.default_prefer(s, best)
      end
      if better then best = s end
    end
    local d = { survivor = true, title = best.title, date = best.date, authors = best.authors,
                size = #members }
    for _, m in ipairs(members) do
      local s = summaries_by_index[m]
      if m ~= best.index then
        decision[m] = { dup_of = best.id }
        d.title = d.title or s.title
        d.date = d.date or s.date
        if not d.authors or #d.authors == 0 then d.authors = s.authors end
      end
    end
    decision[best.index] = d
  end
  return decision
end

-- Counts kept-paragraph fingerprints per site, each cluster once. `keys`
-- lists the summaries' keys in input order.
function decisions.count_paragraphs(summaries, clusters, keys)
  local counter = stet.counter()
  -- room for half the kept paragraphs at once (about the distinct share of
  -- a news corpus): a counter grown step by step moves its entries each time
  local total = 0
  for _, k in ipairs(keys) do total = total + #summaries[k].fps // 8 end
  counter:reserve(total // 2)
  local in_cluster = {}
  for _, members in ipairs(clusters) do
    for _, m in ipairs(members) do
      in_cluster[m] = true
      local s = summaries[m]
      counter:add_all(s.fps, s.site, members[1])
    end
  end
  for _, k in ipairs(keys) do
    local s = summaries[k]
    if not in_cluster[k] and not s.dropped then
      counter:add_all(s.fps, s.site, k)
    end
  end
  return counter
end

-- The counts of decisions.count_paragraphs from a counter that already holds every
-- (not dropped) document counted on its own, as pass 1 added them: each
-- cluster takes off, per site, what its members counted more than once
-- (counter:sub_cluster).
function decisions.count_clusters_once(counter, summaries, clusters)
  for _, members in ipairs(clusters) do
    local fps, sites = {}, {}
    for k, m in ipairs(members) do
      local s = summaries[m]
      fps[k], sites[k] = s.fps, s.site
    end
    counter:sub_cluster(fps, sites)
  end
  return counter
end

return decisions
