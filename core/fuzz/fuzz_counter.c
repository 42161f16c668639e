/* core/fuzz/fuzz_counter.c: libFuzzer harness for counting tables and their
 * files (core/counter.h).
 *
 * The first byte picks a mode:
 *  0: the rest is a table file: it is written to a temporary file (mkstemp
 *     in /tmp, removed after) and loaded; a load may fail, with a message;
 *  1: the rest is a list of operations (intern a site, add, add_count,
 *     set_sample) run on a table and on a plain model of it; the table must
 *     agree with the model (counts, sites, samples), then it is saved,
 *     loaded and merged into an empty table, and both must agree again;
 *  2: as 1, then the saved file is corrupted at places the input picks
 *     (with or without a fixed-up checksum) and loaded (failure is fine).
 * Fingerprints are small numbers, so pairs collide often. */
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "counter.h"
#include "fuzz.h"

#define MAX_SITES 16
#define MAX_PAIRS 512

typedef struct pair {
  uint64_t fp;
  uint32_t site, count;
  int has_sample;
  unsigned char sample[STET_SAMPLE_MAX];
  size_t sample_len;
} pair;

typedef struct model {
  char names[MAX_SITES][16];
  size_t name_len[MAX_SITES];
  uint32_t nsites;
  pair pairs[MAX_PAIRS];
  size_t npairs;
  uint64_t doc;
  int have_doc;
  size_t doc_pairs[MAX_PAIRS]; /* pairs counted in the current document */
  size_t ndoc;
} model;

static pair *model_pair(model *m, uint64_t fp, uint32_t site) {
  for (size_t i = 0; i < m->npairs; i++)
    if (m->pairs[i].fp == fp && m->pairs[i].site == site) return &m->pairs[i];
  if (m->npairs == MAX_PAIRS) return NULL;
  pair *p = &m->pairs[m->npairs++];
  memset(p, 0, sizeof *p);
  p->fp = fp;
  p->site = site;
  return p;
}

static void model_sample(pair *p, const unsigned char *t, size_t len) {
  if (p->has_sample) return;
  if (len > STET_SAMPLE_MAX) {
    len = STET_SAMPLE_MAX;
    while (len > 0 && (t[len] & 0xC0) == 0x80) len--;
  }
  memcpy(p->sample, t, len);
  p->sample_len = len;
  p->has_sample = 1;
}

/* The table agrees with the model: every pair's count and sample, the
 * number of entries, and the site names. */
static void agree(const stet_counter *c, const model *m, const char *what) {
  size_t entries = 0;
  for (size_t i = 0; i < m->npairs; i++) {
    const pair *p = &m->pairs[i];
    if (p->count) entries++;
    if (stet_counter_count(c, p->fp, p->site) != p->count)
      fprintf(stderr, "%s: fp %llu site %u: count %u, model %u\n", what,
              (unsigned long long)p->fp, p->site, stet_counter_count(c, p->fp, p->site), p->count);
    FUZZ_CHECK(stet_counter_count(c, p->fp, p->site) == p->count, "count differs from the model");
    size_t len;
    const char *smp = stet_counter_sample(c, p->fp, p->site, &len);
    FUZZ_CHECK((smp != NULL) == p->has_sample, "sample presence differs from the model");
    if (smp) FUZZ_CHECK(len == p->sample_len && memcmp(smp, p->sample, len) == 0,
                        "sample differs from the model");
  }
  stet_count_entry *top = malloc((entries + 1) * sizeof *top);
  if (!top) abort();
  size_t k = stet_counter_top(c, entries + 1, -1, top);
  FUZZ_CHECK(k == entries, "entry count differs from the model");
  for (size_t i = 1; i < k; i++)
    FUZZ_CHECK(top[i - 1].count >= top[i].count, "top not in count order");
  free(top);
  for (uint32_t id = 0; id < m->nsites; id++) {
    uint32_t got;
    FUZZ_CHECK(stet_counter_find_site(c, m->names[id], m->name_len[id], &got) && got == id,
               "site id differs from the model");
    size_t len;
    const char *name = stet_counter_site_name(c, id, &len);
    FUZZ_CHECK(len == m->name_len[id] && memcmp(name, m->names[id], len) == 0, "site name differs");
  }
}

/* Writes p[0..n) to a new temporary file; its path into path. */
static void temp_file(char path[64], const void *p, size_t n) {
  strcpy(path, "/tmp/stet-fuzz-counter-XXXXXX");
  int fd = mkstemp(path);
  if (fd < 0) abort();
  if (n && write(fd, p, n) != (ssize_t)n) abort();
  close(fd);
}

static void load_and_free(const char *path) {
  char err[256];
  err[0] = 0;
  stet_counter *c = stet_counter_load(path, err, sizeof err);
  if (!c) FUZZ_CHECK(err[0] != 0, "load failed without a message");
  else stet_counter_free(c);
}

/* Runs the operations of the input on c and m. */
static void run_ops(fuzz_in *in, stet_counter *c, model *m) {
  while (in->n) {
    unsigned op = fuzz_byte(in);
    if (op % 4 == 0 || m->nsites == 0) { /* a site */
      size_t len;
      const uint8_t *name = fuzz_bytes(in, fuzz_byte(in) % 16, &len);
      uint32_t id;
      FUZZ_CHECK(stet_counter_site(c, (const char *)name, len, &id) == 0, "site failed");
      uint32_t known = m->nsites;
      for (uint32_t k = 0; k < m->nsites; k++)
        if (m->name_len[k] == len && memcmp(m->names[k], name, len) == 0) known = k;
      if (known == m->nsites) {
        if (m->nsites == MAX_SITES) return;
        memcpy(m->names[known], name, len);
        m->name_len[known] = len;
        m->nsites++;
      }
      FUZZ_CHECK(id == known, "site id differs from the model");
      continue;
    }
    uint32_t site = fuzz_byte(in) % m->nsites;
    uint64_t fp = fuzz_byte(in);
    if (op & 0x80) fp = (fp << 40) | 1; /* far apart, other home slots */
    if (op % 4 == 1) { /* add */
      uint64_t doc = fuzz_byte(in) % 4;
      size_t tlen;
      const uint8_t *text = fuzz_bytes(in, fuzz_byte(in) % 120, &tlen);
      uint32_t count = 12345;
      int with_text = (op & 0x40) != 0;
      int rc = stet_counter_add(c, fp, site, doc, with_text ? (const char *)text : NULL, tlen, &count);
      FUZZ_CHECK(rc == 0 || rc == 1, "add failed");
      if (fp == 0) { /* does nothing at all, not even start a document */
        FUZZ_CHECK(rc == 0 && count == 0, "the empty fingerprint was counted");
        continue;
      }
      if (!m->have_doc || doc != m->doc) { m->doc = doc; m->have_doc = 1; m->ndoc = 0; }
      pair *p = model_pair(m, fp, site);
      if (!p) return;
      int seen = 0;
      for (size_t k = 0; k < m->ndoc; k++) seen |= &m->pairs[m->doc_pairs[k]] == p;
      if (!seen) {
        m->doc_pairs[m->ndoc++] = (size_t)(p - m->pairs);
        if (p->count < UINT32_MAX) p->count++;
        if (with_text && p->count >= 2) model_sample(p, text, tlen);
      }
      FUZZ_CHECK(rc == !seen, "add return differs from the model");
      FUZZ_CHECK(count == p->count, "add count differs from the model");
    } else if (op % 4 == 2) { /* add_count */
      uint32_t k = fuzz_byte(in);
      if (k == 0xFF) k = UINT32_MAX - 1;
      FUZZ_CHECK(stet_counter_add_count(c, fp, site, k) == 0, "add_count failed");
      if (!fp || !k) continue;
      pair *p = model_pair(m, fp, site);
      if (!p) return;
      p->count = p->count > UINT32_MAX - k ? UINT32_MAX : p->count + k;
    } else { /* set_sample */
      size_t tlen;
      const uint8_t *text = fuzz_bytes(in, fuzz_byte(in) % 120, &tlen);
      FUZZ_CHECK(stet_counter_set_sample(c, fp, site, (const char *)text, tlen) == 0,
                 "set_sample failed");
      if (!fp) continue;
      pair *p = model_pair(m, fp, site);
      if (!p) return;
      model_sample(p, text, tlen);
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_in in = {data, size};
  unsigned mode = fuzz_byte(&in) % 3;
  char path[64], err[256];
  if (mode == 0) {
    temp_file(path, in.p, in.n);
    load_and_free(path);
    unlink(path);
    return 0;
  }
  /* the corruption comes from the end of the input, the operations before */
  size_t tail = mode == 2 && in.n >= 8 ? 8 : 0;
  fuzz_in patch = {in.p + in.n - tail, tail};
  in.n -= tail;
  model *m = calloc(1, sizeof *m);
  stet_counter *c = stet_counter_new();
  if (!m || !c) abort();
  run_ops(&in, c, m);
  agree(c, m, "built");

  temp_file(path, "", 0);
  FUZZ_CHECK(stet_counter_save(c, path, err, sizeof err) == 0, "save failed");
  stet_counter *back = stet_counter_load(path, err, sizeof err);
  if (!back) fprintf(stderr, "%s\n", err);
  FUZZ_CHECK(back != NULL, "a saved table does not load");
  agree(back, m, "loaded");
  stet_counter *merged = stet_counter_new();
  if (!merged) abort();
  FUZZ_CHECK(stet_counter_merge(merged, back) == 0, "merge failed");
  agree(merged, m, "merged");
  stet_counter_free(merged);
  stet_counter_free(back);

  if (mode == 2 && tail) {
    FILE *f = fopen(path, "rb");
    if (!f) abort();
    unsigned char *buf = malloc(1 << 20);
    if (!buf) abort();
    size_t len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    /* three patched bytes, a cut, and maybe a fixed checksum */
    for (int k = 0; k < 3 && len; k++) {
      size_t at = fuzz_byte(&patch) % len;
      buf[at] ^= (unsigned char)fuzz_byte(&patch);
    }
    unsigned cut = fuzz_byte(&patch);
    if (cut < 64 && cut < len) len -= cut;
    if ((fuzz_byte(&patch) & 1) && len >= 8) {
      uint64_t sum = XXH3_64bits(buf, len - 8);
      for (int k = 0; k < 8; k++) buf[len - 8 + k] = (unsigned char)(sum >> (8 * k));
    }
    char bad[64];
    temp_file(bad, buf, len);
    load_and_free(bad);
    unlink(bad);
    free(buf);
  }
  unlink(path);
  stet_counter_free(c);
  free(m);
  return 0;
}
