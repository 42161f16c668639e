/* core/counter.c: the counting table of counter.h (file I/O is in
 * counter_file.c).
 *
 * Layout invariants of the slot array, for home slots H and a key k whose
 * order hash is h(k) = fp + site * GOLDEN:
 *   - home(k) = floor(h(k) * H / 2^64), a non-decreasing function of h;
 *   - the entries, read from slot 0 up, are sorted by (h, site);
 *   - an entry sits at or after its home, with no free slot in between;
 *   - there is no wrap-around: the array has a tail of overflow slots.
 * A lookup stops at the first free slot or greater key. An insert shifts the
 * rest of its cluster one slot up. Growth (grow_in_place) relies on the
 * order: the new position of the k-th entry, max(home'(k), new(k-1) + 1),
 * is never below its old one, so moving entries from the last to the first
 * never overwrites one not yet moved. */
#define _GNU_SOURCE /* mremap, MADV_HUGEPAGE */
#include "counter.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <xxhash.h>

#include "fingerprint.h" /* stet_fp_span */

#define GOLDEN UINT64_C(0x9E3779B97F4A7C15)
#define FIRST_HOME 1024
#define GROW_BLOCK 4096
#define DOCSET_MIN 256
#define DOCSET_KEEP 4096

static inline uint64_t order_hash(uint64_t fp, uint32_t site) {
  return fp + (uint64_t)site * GOLDEN;
}

static inline size_t home_of(uint64_t h, size_t home) {
  return (size_t)(((unsigned __int128)h * home) >> 64);
}

/* Slot arrays from this size on are mapped (and remapped as they grow,
 * without a copy), with transparent huge pages asked for: adds probe the
 * table at random, and with 4 KiB pages most probes would miss the TLB. */
#define MAP_MIN ((size_t)4 << 20)
#define HUGE_PAGE ((size_t)2 << 20)

/* Resizes c->slots to n entries, the first min(n, c->alloc) kept and the
 * rest undefined. The new array, or NULL on ENOMEM (the old one intact). */
static stet_count_entry *resize_slots(stet_counter *c, size_t n) {
  size_t bytes = n * sizeof *c->slots;
  if (!c->mapped && bytes < MAP_MIN) return realloc(c->slots, bytes);
  size_t mb = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
  void *m;
  if (!c->mapped) {
    m = mmap(NULL, mb, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return NULL;
#ifdef MADV_HUGEPAGE
    madvise(m, mb, MADV_HUGEPAGE); /* only advice */
#endif
    memcpy(m, c->slots, c->alloc * sizeof *c->slots);
    free(c->slots);
  } else if (mb != c->mapped) {
    m = mremap(c->slots, c->mapped, mb, MREMAP_MAYMOVE);
    if (m == MAP_FAILED) return NULL;
  } else {
    m = c->slots;
  }
  c->mapped = mb;
  return m;
}

static inline size_t tail_of(size_t home) {
  return 64 + home / 512;
}

/* (h1, s1) < (h2, s2) */
static inline int key_less(uint64_t h1, uint32_t s1, uint64_t h2, uint32_t s2) {
  return h1 < h2 || (h1 == h2 && s1 < s2);
}

stet_counter *stet_counter_new(void) {
  stet_counter *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->home = FIRST_HOME;
  c->alloc = FIRST_HOME + tail_of(FIRST_HOME);
  c->slots = calloc(c->alloc, sizeof *c->slots);
  c->site_off = calloc(1, sizeof *c->site_off);
  c->sites_cap = 0;
  if (!c->slots || !c->site_off) {
    stet_counter_free(c);
    return NULL;
  }
  return c;
}

void stet_counter_free(stet_counter *c) {
  if (!c) return;
  if (c->mapped) munmap(c->slots, c->mapped);
  else free(c->slots);
  stet_buf_free(&c->site_text);
  free(c->site_off);
  free(c->site_index);
  free(c->docset);
  free(c->docstamp);
  free(c->samples);
  stet_buf_free(&c->sample_text);
  free(c);
}

/* ---- sites ---- */

const char *stet_counter_site_name(const stet_counter *c, uint32_t id, size_t *len) {
  *len = c->site_off[id + 1] - c->site_off[id];
  return c->site_text.data ? c->site_text.data + c->site_off[id] : "";
}

/* The index slot for name: either holding its id + 1, or free (0). */
static size_t site_slot(const stet_counter *c, const char *name, size_t len) {
  size_t mask = c->site_index_cap - 1;
  size_t i = (size_t)XXH3_64bits(name, len) & mask;
  for (;; i = (i + 1) & mask) {
    uint32_t v = c->site_index[i];
    if (v == 0) return i;
    size_t l;
    const char *s = stet_counter_site_name(c, v - 1, &l);
    if (l == len && memcmp(s, name, len) == 0) return i;
  }
}

int stet_counter_find_site(const stet_counter *c, const char *name, size_t len, uint32_t *id) {
  if (c->site_index_cap == 0) return 0;
  uint32_t v = c->site_index[site_slot(c, name, len)];
  if (v == 0) return 0;
  *id = v - 1;
  return 1;
}

/* Rebuilds the site index with cap slots (a power of two). */
static int site_reindex(stet_counter *c, uint32_t cap) {
  uint32_t *idx = calloc(cap, sizeof *idx);
  if (!idx) return -1;
  free(c->site_index);
  c->site_index = idx;
  c->site_index_cap = cap;
  for (uint32_t id = 0; id < c->nsites; id++) {
    size_t l;
    const char *s = stet_counter_site_name(c, id, &l);
    c->site_index[site_slot(c, s, l)] = id + 1;
  }
  return 0;
}

int stet_counter_site(stet_counter *c, const char *name, size_t len, uint32_t *id) {
  if (stet_counter_find_site(c, name, len, id)) return 0;
  if (c->nsites >= UINT32_MAX - 1) return -1;
  if ((size_t)(c->nsites + 1) * 2 > c->site_index_cap &&
      site_reindex(c, c->site_index_cap ? c->site_index_cap * 2 : 16))
    return -1;
  if (c->nsites + 1 >= c->sites_cap) {
    uint32_t cap = c->sites_cap ? c->sites_cap * 2 : 16;
    size_t *p = realloc(c->site_off, ((size_t)cap + 1) * sizeof *p);
    if (!p) return -1;
    c->site_off = p;
    c->sites_cap = cap;
  }
  if (stet_buf_append(&c->site_text, name, len)) return -1;
  *id = c->nsites++;
  c->site_off[c->nsites] = c->site_text.len;
  c->site_index[site_slot(c, name, len)] = *id + 1;
  return 0;
}

/* ---- the slot array ---- */

/* The slot of (fp, site), or where it would be inserted; *found says which.
 * May return c->alloc when the key belongs after the last slot. */
static inline __attribute__((always_inline)) size_t find_pos(const stet_counter *c, uint64_t h,
                                                             uint32_t site, int *found) {
  size_t i = home_of(h, c->home);
  for (; i < c->alloc; i++) {
    const stet_count_entry *e = &c->slots[i];
    if (!e->fp) break;
    uint64_t he = order_hash(e->fp, e->site);
    if (!key_less(he, e->site, h, site)) {
      *found = he == h && e->site == site;
      return i;
    }
  }
  *found = 0;
  return i;
}

/* Grows the table in place to at least `want` home slots (see the top of
 * the file). 0, or -1 on ENOMEM with the table unchanged. */
static int grow_in_place(stet_counter *c, size_t want) {
  size_t nblocks = (c->alloc + GROW_BLOCK - 1) / GROW_BLOCK;
  size_t *chk = malloc(nblocks * sizeof *chk);
  size_t *newpos = malloc(GROW_BLOCK * sizeof *newpos);
  if (!chk || !newpos) goto fail;
  size_t nh = want, na;
  for (;;) { /* first pass: where blocks start in the new layout */
    na = nh + tail_of(nh);
    size_t next = 0;
    for (size_t blk = 0; blk < nblocks; blk++) { /* without branches: a third
                                                      of the slots are free */
      chk[blk] = next;
      size_t hi = (blk + 1) * GROW_BLOCK < c->alloc ? (blk + 1) * GROW_BLOCK : c->alloc;
      for (size_t i = blk * GROW_BLOCK; i < hi; i++) {
        const stet_count_entry *e = &c->slots[i];
        size_t p = home_of(order_hash(e->fp, e->site), nh);
        size_t m = (p > next ? p : next) + 1;
        next = e->fp ? m : next;
      }
    }
    if (next <= na) break;
    nh += nh / 8 + 1; /* the tail overflowed: take more room */
  }
  stet_count_entry *s = resize_slots(c, na);
  if (!s) goto fail;
  memset(s + c->alloc, 0, (na - c->alloc) * sizeof *s);
  for (size_t b = nblocks; b-- > 0;) {
    size_t lo = b * GROW_BLOCK, hi = lo + GROW_BLOCK;
    if (hi > c->alloc) hi = c->alloc;
    size_t next = chk[b];
    for (size_t i = lo; i < hi; i++) { /* a free slot stays where it is */
      size_t p = home_of(order_hash(s[i].fp, s[i].site), nh);
      size_t q = p > next ? p : next;
      newpos[i - lo] = s[i].fp ? q : i;
      next = s[i].fp ? q + 1 : next;
    }
    for (size_t i = hi; i-- > lo;) { /* slot i is no entry's target yet */
      stet_count_entry e = s[i];
      s[i].fp = 0;
      s[newpos[i - lo]] = e;
    }
  }
  c->slots = s;
  c->home = nh;
  c->alloc = na;
  free(chk);
  free(newpos);
  return 0;
fail:
  free(chk);
  free(newpos);
  return -1;
}

static size_t next_home(size_t home) {
  return home < 262144 ? home * 2 : home + home / 5;
}

void stet_counter_work(stet_counter *c, uint64_t done, uint64_t total) {
  if (done == 0 && total != 0) c->work_base = c->size;
  c->work_done = done;
  c->work_total = total;
}

/* Home slots up to which a table grows by projection; past them it grows
 * by a fifth, which keeps it at 24 bytes an entry at most. */
#define PROJECT_MAX ((size_t)1 << 23)

/* How many times its home slots a table may grow to in one projected
 * growth. 2 made a 200 MB corpus (660,000 entries) grow four times after
 * its first 3 MB, at loads up to 4/5 where inserts walk long clusters; 8
 * takes it there in two growths, and an add costs a fifth less. */
#define PROJECT_GROW 8

/* The home slots to grow to: next_home, or more when the run under way
 * (stet_counter_work) has gone at least 1/64 of its way and the entries it
 * added so far, scaled to the whole run, need more at a load of 4/5: at
 * most PROJECT_GROW times the current home, and PROJECT_MAX. The distinct
 * entries of a corpus grow slower than its size, so the scaled count is
 * rather over than under; a corpus that brings no new paragraph after a
 * growth leaves the table at most PROJECT_GROW times the size it needs,
 * 128 MiB at most. */
static size_t grow_target(const stet_counter *c) {
  size_t want = next_home(c->home);
  uint64_t done = c->work_done, total = c->work_total;
  if (total == 0 || done >= total || done < total / 64 || done == 0 || c->size < c->work_base ||
      c->home >= PROJECT_MAX)
    return want;
  long double proj = (long double)c->work_base +
                     (long double)(c->size - c->work_base) * (long double)total / (long double)done;
  long double cap = (long double)PROJECT_GROW * (long double)c->home, need = proj * 5 / 4 + 1;
  if (cap > (long double)PROJECT_MAX) cap = (long double)PROJECT_MAX;
  if (need > cap) need = cap;
  return need > (long double)want ? (size_t)need : want;
}

/* The entry of (fp, site), inserted with count 0 when absent; NULL on
 * ENOMEM. fp must not be 0. */
static inline __attribute__((always_inline)) stet_count_entry *upsert(stet_counter *c, uint64_t fp,
                                                                       uint32_t site) {
  uint64_t h = order_hash(fp, site);
  for (;;) {
    int found;
    size_t i = find_pos(c, h, site, &found);
    if (found) return &c->slots[i];
    size_t j = i;
    if ((c->size + 1) * 5 <= c->home * 4) {
      while (j < c->alloc && c->slots[j].fp) j++;
      if (j < c->alloc) {
        for (; j > i; j--) c->slots[j] = c->slots[j - 1]; /* clusters are short */
        c->slots[i].fp = fp;
        c->slots[i].site = site;
        c->slots[i].count = 0;
        c->size++;
        return &c->slots[i];
      }
    }
    if (grow_in_place(c, grow_target(c))) return NULL;
  }
}

int stet_counter_reserve(stet_counter *c, size_t n) {
  size_t want = c->home;
  while (n * 5 > want * 4) want = next_home(want);
  return want > c->home ? grow_in_place(c, want) : 0;
}

static inline void prefetch_slot(const stet_counter *c, uint64_t fp, uint32_t site) {
  size_t i = home_of(order_hash(fp, site), c->home);
  /* the home slot's line and the next: an insert walks its cluster up to
   * the first free slot, often past the end of the line (the array has a
   * tail of slots past every home, so the address is inside it) */
  const char *p = (const char *)&c->slots[i];
  __builtin_prefetch(p);
  __builtin_prefetch(p + 64);
}

void stet_counter_prefetch(const stet_counter *c, uint64_t fp, uint32_t site) {
  prefetch_slot(c, fp, site);
}

uint32_t stet_counter_count(const stet_counter *c, uint64_t fp, uint32_t site) {
  if (!fp) return 0;
  int found;
  size_t i = find_pos(c, order_hash(fp, site), site, &found);
  return found ? c->slots[i].count : 0;
}

int stet_counter_add_count(stet_counter *c, uint64_t fp, uint32_t site, uint32_t n) {
  if (!fp || !n) return 0;
  c->sample_gaps = 1;
  stet_count_entry *e = upsert(c, fp, site);
  if (!e) return -1;
  e->count = e->count > UINT32_MAX - n ? UINT32_MAX : e->count + n;
  return 0;
}

int stet_counter_sub_count(stet_counter *c, uint64_t fp, uint32_t site, uint32_t n) {
  if (!fp || !n) return 0;
  int found;
  size_t i = find_pos(c, order_hash(fp, site), site, &found);
  if (!found) return 0;
  stet_count_entry *e = &c->slots[i];
  if (e->count == UINT32_MAX) return 1; /* saturated: the true count is not known */
  e->count = e->count > n ? e->count - n : 0;
  return 1;
}

/* ---- the current document ---- */

/* Makes doc the current document (a new one starts with an empty set)
 * and gives its set room for `more` keys beyond those it holds, at a load
 * of at most 1/2. 0, or -1 on ENOMEM. The set is open addressing over
 * (key, stamp) slots; a slot is used in this document when its stamp is
 * docgen. */
static inline __attribute__((always_inline)) int doc_reserve(stet_counter *c, uint64_t doc,
                                                             size_t more) {
  if (!c->have_doc || doc != c->doc) {
    if (c->docset_cap > DOCSET_KEEP) {
      free(c->docset);
      free(c->docstamp);
      c->docset = NULL;
      c->docstamp = NULL;
      c->docset_cap = 0;
    }
    if (++c->docgen == 0) { /* the stamps wrapped: clear them */
      if (c->docstamp) memset(c->docstamp, 0, c->docset_cap * sizeof *c->docstamp);
      c->docgen = 1;
    }
    c->docset_n = 0;
    c->doc = doc;
    c->have_doc = 1;
  }
  if ((c->docset_n + more) * 2 <= c->docset_cap) return 0;
  uint32_t gen = c->docgen;
  size_t cap = c->docset_cap ? c->docset_cap * 2 : DOCSET_MIN;
  while ((c->docset_n + more) * 2 > cap) cap *= 2;
  uint64_t *set = malloc(cap * sizeof *set);
  uint32_t *stamp = calloc(cap, sizeof *stamp);
  if (!set || !stamp) {
    free(set);
    free(stamp);
    return -1;
  }
  for (size_t i = 0; i < c->docset_cap; i++) {
    if (c->docstamp[i] != gen) continue;
    uint64_t k = c->docset[i];
    size_t j = (size_t)(k * GOLDEN >> 32) & (cap - 1);
    while (stamp[j] == gen) j = (j + 1) & (cap - 1);
    set[j] = k;
    stamp[j] = gen;
  }
  free(c->docset);
  free(c->docstamp);
  c->docset = set;
  c->docstamp = stamp;
  c->docset_cap = cap;
  return 0;
}

/* 1 when key is in the set (set, stamp, mask + 1 slots, generation gen),
 * else 0 after putting it there; the set has room (doc_reserve). */
static inline __attribute__((always_inline)) int doc_probe(uint64_t *set, uint32_t *stamp,
                                                           size_t mask, uint32_t gen,
                                                           uint64_t key) {
  size_t j = (size_t)(key * GOLDEN >> 32) & mask;
  for (; stamp[j] == gen; j = (j + 1) & mask)
    if (set[j] == key) return 1;
  set[j] = key;
  stamp[j] = gen;
  return 0;
}

/* 1 when key was already seen in document doc, 0 when it is new (and now
 * remembered), -1 on ENOMEM. */
static inline __attribute__((always_inline)) int doc_seen(stet_counter *c, uint64_t doc,
                                                          uint64_t key) {
  if (doc_reserve(c, doc, 1)) return -1;
  int seen = doc_probe(c->docset, c->docstamp, c->docset_cap - 1, c->docgen, key);
  c->docset_n += !seen;
  return seen;
}

/* ---- samples ---- */

static size_t sample_slot(const stet_counter *c, uint64_t fp, uint32_t site) {
  size_t mask = c->samples_cap - 1;
  size_t i = (size_t)(order_hash(fp, site) * GOLDEN >> 20) & mask;
  while (c->samples[i].fp && (c->samples[i].fp != fp || c->samples[i].site != site))
    i = (i + 1) & mask;
  return i;
}

const char *stet_counter_sample(const stet_counter *c, uint64_t fp, uint32_t site, size_t *len) {
  if (!c->samples_cap || !fp) return NULL;
  const stet_sample_slot *s = &c->samples[sample_slot(c, fp, site)];
  if (!s->fp) return NULL;
  const unsigned char *p = (const unsigned char *)c->sample_text.data + s->off;
  *len = p[0];
  return (const char *)p + 1;
}

int stet_counter_set_sample(stet_counter *c, uint64_t fp, uint32_t site,
                            const char *text, size_t len) {
  if (!fp) return 0;
  if ((c->samples_n + 1) * 2 > c->samples_cap) {
    size_t oldcap = c->samples_cap, cap = oldcap ? oldcap * 2 : 64;
    stet_sample_slot *old = c->samples;
    c->samples = calloc(cap, sizeof *c->samples);
    if (!c->samples) {
      c->samples = old;
      return -1;
    }
    c->samples_cap = cap;
    for (size_t i = 0; i < oldcap; i++)
      if (old[i].fp) c->samples[sample_slot(c, old[i].fp, old[i].site)] = old[i];
    free(old);
  }
  stet_sample_slot *s = &c->samples[sample_slot(c, fp, site)];
  if (s->fp) return 0;
  if (len > STET_SAMPLE_MAX) {
    len = STET_SAMPLE_MAX;
    while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80) len--;
  }
  unsigned char lb = (unsigned char)len;
  size_t off = c->sample_text.len;
  if (stet_buf_append(&c->sample_text, &lb, 1) ||
      stet_buf_append(&c->sample_text, text, len))
    return -1;
  s->fp = fp;
  s->site = site;
  s->off = off;
  c->samples_n++;
  return 0;
}

/* ---- counting ---- */

/* The count and sample of (fp, site) in a document that had not brought
 * it yet: 1, or -1 on ENOMEM. */
static inline __attribute__((always_inline)) int add_new(stet_counter *c, uint64_t fp,
                                                         uint32_t site, const char *text,
                                                         size_t tlen, uint32_t *count) {
  stet_count_entry *e = upsert(c, fp, site);
  if (!e) return -1;
  if (e->count < UINT32_MAX) e->count++;
  uint32_t n = e->count;
  if (count) *count = n;
  if (!text) {
    c->sample_gaps = 1;
  } else if (n >= 2 && (n == 2 || c->sample_gaps)) { /* else it has one already */
    if (stet_counter_set_sample(c, fp, site, text, tlen)) {
      c->sample_gaps = 1;
      return -1;
    }
  }
  return 1;
}

/* stet_counter_add, inlined into stet_counter_add_packed's loop. */
static inline __attribute__((always_inline)) int add_one(stet_counter *c, uint64_t fp,
                                                         uint32_t site, uint64_t doc,
                                                         const char *text, size_t tlen,
                                                         uint32_t *count) {
  if (count) *count = 0;
  if (!fp) return 0;
  int seen = doc_seen(c, doc, order_hash(fp, site));
  if (seen < 0) return -1;
  if (seen) {
    if (count) *count = stet_counter_count(c, fp, site);
    return 0;
  }
  return add_new(c, fp, site, text, tlen, count);
}

int stet_counter_add(stet_counter *c, uint64_t fp, uint32_t site, uint64_t doc,
                     const char *text, size_t tlen, uint32_t *count) {
  return add_one(c, fp, site, doc, text, tlen, count);
}

int stet_counter_add_spans(stet_counter *c, const char *s, const stet_fp_span *sp, size_t k,
                           uint32_t site, uint64_t doc, int samples) {
  enum { AHEAD = 16 }; /* misses in flight: about the line fill buffers */
  if (k == 0) return 0;
  /* the document's set made room for all k once; its fields in locals,
   * which the stores into the table cannot alias */
  if (doc_reserve(c, doc, k)) return -1;
  uint64_t *set = c->docset;
  uint32_t *stamp = c->docstamp, gen = c->docgen;
  size_t mask = c->docset_cap - 1, added = 0;
  for (size_t i = 0; i < k && i < AHEAD; i++) prefetch_slot(c, sp[i].fp, site);
  for (size_t i = 0; i < k; i++) {
    if (i + AHEAD < k) prefetch_slot(c, sp[i + AHEAD].fp, site);
    uint64_t fp = sp[i].fp;
    if (!fp || doc_probe(set, stamp, mask, gen, order_hash(fp, site))) continue;
    added++;
    if (add_new(c, fp, site, samples ? s + sp[i].start : NULL, sp[i].stop - sp[i].start,
                NULL) < 0) {
      c->docset_n += added;
      return -1;
    }
  }
  c->docset_n += added;
  return 0;
}

/* ---- reports and merging ---- */

/* a ranks before b in top(): more documents, then smaller fp, then site. */
static int ranks_before(const stet_count_entry *a, const stet_count_entry *b) {
  if (a->count != b->count) return a->count > b->count;
  if (a->fp != b->fp) return a->fp < b->fp;
  return a->site < b->site;
}

static int cmp_rank(const void *x, const void *y) {
  const stet_count_entry *a = x, *b = y;
  return ranks_before(a, b) ? -1 : ranks_before(b, a) ? 1 : 0;
}

/* Restores the heap (worst entry at the root) below slot i. */
static void sift_down(stet_count_entry *h, size_t n, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, w = i;
    if (l < n && ranks_before(&h[w], &h[l])) w = l;
    if (r < n && ranks_before(&h[w], &h[r])) w = r;
    if (w == i) return;
    stet_count_entry t = h[i];
    h[i] = h[w];
    h[w] = t;
    i = w;
  }
}

size_t stet_counter_top(const stet_counter *c, size_t n, int64_t site, stet_count_entry *out) {
  size_t k = 0;
  if (n == 0) return 0;
  for (size_t i = 0; i < c->alloc; i++) {
    const stet_count_entry *e = &c->slots[i];
    if (!e->fp || (site >= 0 && e->site != (uint32_t)site)) continue;
    if (k < n) {
      out[k++] = *e;
      if (k == n) /* heapify */
        for (size_t j = n / 2 + 1; j-- > 0;) sift_down(out, n, j);
    } else if (ranks_before(e, &out[0])) {
      out[0] = *e;
      sift_down(out, n, 0);
    }
  }
  qsort(out, k, sizeof *out, cmp_rank);
  return k;
}

int stet_counter_merge(stet_counter *dst, const stet_counter *src) {
  uint32_t *map = malloc(((size_t)src->nsites + 1) * sizeof *map);
  if (!map) return -1;
  int rc = -1;
  for (uint32_t id = 0; id < src->nsites; id++) {
    size_t l;
    const char *name = stet_counter_site_name(src, id, &l);
    if (stet_counter_site(dst, name, l, &map[id])) goto done;
  }
  if (src->size && dst->size + src->size > dst->home * 4 / 5) {
    size_t want = dst->home;
    while ((dst->size + src->size) * 5 > want * 4) want = next_home(want);
    if (grow_in_place(dst, want)) goto done;
  }
  for (size_t i = 0; i < src->alloc; i++) {
    const stet_count_entry *e = &src->slots[i];
    if (e->fp && stet_counter_add_count(dst, e->fp, map[e->site], e->count)) goto done;
  }
  for (size_t i = 0; i < src->samples_cap; i++) {
    const stet_sample_slot *s = &src->samples[i];
    if (!s->fp) continue;
    const unsigned char *p = (const unsigned char *)src->sample_text.data + s->off;
    if (stet_counter_set_sample(dst, s->fp, map[s->site], (const char *)p + 1, p[0])) goto done;
  }
  rc = 0;
done:
  free(map);
  return rc;
}

size_t stet_counter_memory(const stet_counter *c) {
  return sizeof *c + c->alloc * sizeof *c->slots + c->site_text.cap +
         ((size_t)c->sites_cap + 1) * sizeof *c->site_off +
         c->site_index_cap * sizeof *c->site_index +
         c->docset_cap * (sizeof *c->docset + sizeof *c->docstamp) +
         c->samples_cap * sizeof *c->samples + c->sample_text.cap;
}

int stet_counter_add_packed(stet_counter *c, const unsigned char *fps, size_t len, uint32_t site,
                            uint64_t doc) {
  for (size_t at = 0; at + 8 <= len; at += 8 * 32) { /* 32 at a time, their slots fetched first */
    uint64_t v[32];
    size_t k = 0;
    for (size_t i = at; i + 8 <= len && k < 32; i += 8, k++) {
      v[k] = stet_fp_unpack(fps + i);
      prefetch_slot(c, v[k], site);
    }
    for (size_t j = 0; j < k; j++)
      if (add_one(c, v[j], site, doc, NULL, 0, NULL) < 0) return -1;
  }
  return 0;
}
