/* core/doc.c: the document model of the cleaning pipeline (doc.h). */
#include "doc.h"

#include <stdlib.h>
#include <string.h>

#include "segment.h"

#define DUMP_MAGIC "SDC1"

void stet_doc_free(stet_doc *d) {
  stet_buf_free(&d->text);
  stet_buf_free(&d->keys);
  stet_buf_free(&d->labels);
  free(d->p);
  free(d->lab);
  d->p = NULL;
  d->lab = NULL;
  d->n = d->cap = d->nlab = d->labcap = 0;
  d->has_keys = 1;
}

void stet_doc_clear(stet_doc *d) {
  d->text.len = d->keys.len = d->labels.len = 0;
  d->n = d->nlab = 0;
  d->has_keys = 1;
}

size_t stet_doc_size(const stet_doc *d) {
  return d->text.cap + d->keys.cap + d->labels.cap + d->cap * sizeof *d->p +
         d->labcap * sizeof *d->lab;
}

/* Room for k more paragraphs, exactly (at least 32). 0, or -1 on ENOMEM. */
static int reserve_paras(stet_doc *d, size_t k) {
  if (d->cap - d->n >= k) return 0;
  size_t cap = d->n + k < 32 ? 32 : d->n + k;
  stet_para *p = realloc(d->p, cap * sizeof *p);
  if (!p) return -1;
  d->p = p;
  d->cap = cap;
  return 0;
}

/* Room for one more paragraph, the room doubled when it grows. 0, or -1
 * on ENOMEM. */
static int reserve_para(stet_doc *d) {
  if (d->n < d->cap) return 0;
  return reserve_paras(d, d->cap ? d->cap : 32);
}

/* The text buffer keeps PAD zero bytes past its end, so keys are built with
 * wide loads that may run past a paragraph (stet_fingerprint_key_in). */
#define PAD 32

/* Zeroes the PAD bytes after the text. 0, or -1 on ENOMEM. */
static int pad_text(stet_doc *d) {
  if (stet_buf_reserve(&d->text, PAD)) return -1;
  memset(d->text.data + d->text.len, 0, PAD);
  return 0;
}

/* Builds the key of paragraph q's text into the key buffer and sets its
 * key span and fingerprint. 0, or -1 on ENOMEM. */
static int key_para(stet_doc *d, stet_fp_ctx *fp, stet_para *q) {
  size_t slack = d->text.len + PAD - (q->off + q->len);
  if (stet_fingerprint_key_in(fp, d->text.data + q->off, q->len, slack)) return -1;
  if (stet_buf_append(&d->keys, fp->key.data, fp->key.len)) return -1;
  q->koff = d->keys.len - fp->key.len;
  q->klen = fp->key.len;
  q->fp = stet_fp_hash(fp->key.data, fp->key.len, STET_FP_SEED);
  return 0;
}

/* A kept paragraph with the text span [off, off + len), keyed. */
static int add_span(stet_doc *d, stet_fp_ctx *fp, size_t off, size_t len) {
  if (reserve_para(d)) return -1;
  stet_para *q = &d->p[d->n];
  memset(q, 0, sizeof *q);
  q->off = off;
  q->len = len;
  if (key_para(d, fp, q)) return -1;
  d->n++;
  return 0;
}

typedef struct split_ctx {
  stet_doc *d;
  stet_fp_ctx *fp;
  int failed;
} split_ctx;

static int on_paragraph(void *ud, size_t start, size_t stop) {
  split_ctx *c = ud;
  if (add_span(c->d, c->fp, start, stop - start)) {
    c->failed = 1;
    return 1;
  }
  return 0;
}

/* The paragraphs of the document's text, which it holds already. */
static int split_text(stet_doc *d, stet_fp_ctx *fp, int lines) {
  size_t n = d->text.len;
  if (stet_buf_reserve(&d->keys, n + 32) || pad_text(d)) return -1;
  split_ctx c = {d, fp, 0};
  stet_paragraphs_each(d->text.data ? d->text.data : "", n, lines, on_paragraph, &c);
  return c.failed ? -1 : 0;
}

int stet_doc_split(stet_doc *d, stet_fp_ctx *fp, const char *s, size_t n, int lines) {
  stet_doc_clear(d);
  if (stet_buf_reserve(&d->text, n + PAD)) return -1;
  if (n) memcpy(d->text.data, s, n);
  d->text.len = n;
  return split_text(d, fp, lines);
}

int stet_doc_split_take(stet_doc *d, stet_fp_ctx *fp, stet_buf *text, int lines) {
  stet_doc_clear(d);
  stet_buf mine = d->text;
  d->text = *text;
  *text = mine; /* the caller's buffer from now on, empty */
  return split_text(d, fp, lines);
}

int stet_doc_push(stet_doc *d, stet_fp_ctx *fp, const char *s, size_t n) {
  if (stet_buf_append(&d->text, s, n) || pad_text(d)) return -1;
  return add_span(d, fp, d->text.len - n, n);
}

int stet_doc_label(stet_doc *d, const char *s, size_t n) {
  for (size_t i = 0; i < d->nlab; i++)
    if (d->lab[i].len == n && memcmp(d->labels.data + d->lab[i].off, s, n) == 0) return (int)i + 1;
  if (d->nlab >= STET_DOC_MAX_LABELS) return 0;
  if (d->nlab == d->labcap) {
    size_t cap = d->labcap ? d->labcap * 2 : 8;
    stet_label *l = realloc(d->lab, cap * sizeof *l);
    if (!l) return -1;
    d->lab = l;
    d->labcap = cap;
  }
  if (stet_buf_append(&d->labels, s, n)) return -1;
  d->lab[d->nlab].off = d->labels.len - n;
  d->lab[d->nlab].len = n;
  return (int)++d->nlab;
}

const char *stet_doc_label_name(const stet_doc *d, unsigned id, size_t *len) {
  if (id == 0 || id > d->nlab) {
    *len = 0;
    return "";
  }
  *len = d->lab[id - 1].len;
  return d->labels.data + d->lab[id - 1].off;
}

int stet_doc_set_text(stet_doc *d, stet_fp_ctx *fp, size_t i, const char *s, size_t n) {
  const char *base = d->text.data;
  int inside = base && s >= base && s <= base + d->text.len;
  size_t from = inside ? (size_t)(s - base) : 0;
  if (stet_buf_reserve(&d->text, n + PAD)) return -1;
  if (inside) memmove(d->text.data + d->text.len, d->text.data + from, n);
  else if (n) memcpy(d->text.data + d->text.len, s, n);
  stet_para *q = &d->p[i];
  q->off = d->text.len;
  q->len = n;
  d->text.len += n;
  memset(d->text.data + d->text.len, 0, PAD);
  return key_para(d, fp, q);
}

int stet_doc_split_line(stet_doc *d, stet_fp_ctx *fp, size_t i) {
  const char *t = d->text.data + d->p[i].off;
  const char *nl = memchr(t, '\n', d->p[i].len);
  if (!nl) return 0;
  if (reserve_para(d)) return -1;
  memmove(d->p + i + 1, d->p + i, (d->n - i) * sizeof *d->p);
  d->n++;
  stet_para *head = &d->p[i], *rest = &d->p[i + 1];
  size_t k = (size_t)(nl - t);
  head->len = k;
  rest->off += k + 1;
  rest->len -= k + 1;
  if (key_para(d, fp, head) || key_para(d, fp, rest)) return -1;
  return 1;
}

long stet_doc_body(const stet_doc *d, stet_buf *out, const char *sep, size_t seplen) {
  size_t total = 0;
  long kept = 0;
  for (size_t i = 0; i < d->n; i++) {
    if (d->p[i].label) continue;
    total += d->p[i].len + (kept ? seplen : 0);
    kept++;
  }
  if (stet_buf_reserve(out, total)) return -1;
  long k = 0;
  for (size_t i = 0; i < d->n; i++) {
    const stet_para *q = &d->p[i];
    if (q->label) continue;
    if (k++ && seplen) {
      memcpy(out->data + out->len, sep, seplen);
      out->len += seplen;
    }
    if (q->len) memcpy(out->data + out->len, d->text.data + q->off, q->len);
    out->len += q->len;
  }
  return kept;
}

size_t stet_doc_body_len(const stet_doc *d) {
  size_t total = 0, kept = 0;
  for (size_t i = 0; i < d->n; i++) {
    if (d->p[i].label) continue;
    total += d->p[i].len + (kept ? 2 : 0);
    kept++;
  }
  return total;
}

int stet_doc_body_fp(stet_doc *d, stet_fp_ctx *fp, stet_buf *scratch, uint64_t *out) {
  scratch->len = 0;
  if (!d->has_keys) {
    if (stet_doc_body(d, scratch, "\n\n", 2) < 0) return -1;
    return stet_body_fingerprint(fp, scratch->data ? scratch->data : "", scratch->len, out);
  }
  size_t total = 0;
  for (size_t i = 0; i < d->n; i++)
    if (!d->p[i].label) total += d->p[i].klen;
  if (stet_buf_reserve(scratch, total + 1)) return -1;
  for (size_t i = 0; i < d->n; i++) {
    const stet_para *q = &d->p[i];
    if (q->label || !q->klen) continue;
    memcpy(scratch->data + scratch->len, d->keys.data + q->koff, q->klen);
    scratch->len += q->klen;
  }
  *out = stet_fp_hash(scratch->data, scratch->len, STET_BODY_SEED);
  return 0;
}

/* Dump layout (native byte order; the bytes never leave the machine):
 * "SDC1", u32 labels, then per label u32 length and the name, u32
 * paragraphs, then per paragraph u16 label, u16 marker, u32 count, u64 fp,
 * u32 length and the text. */
static int put(stet_buf *b, const void *p, size_t n) {
  return stet_buf_append(b, p, n);
}

int stet_doc_dump(const stet_doc *d, stet_buf *out) {
  size_t need = 12 + d->labels.len + 4 * d->nlab;
  for (size_t i = 0; i < d->n; i++) need += 20 + d->p[i].len;
  if (stet_buf_reserve(out, need)) return -1;
  uint32_t v = (uint32_t)d->nlab;
  put(out, DUMP_MAGIC, 4);
  put(out, &v, 4);
  for (size_t i = 0; i < d->nlab; i++) {
    v = (uint32_t)d->lab[i].len;
    put(out, &v, 4);
    put(out, d->labels.data + d->lab[i].off, d->lab[i].len);
  }
  v = (uint32_t)d->n;
  put(out, &v, 4);
  for (size_t i = 0; i < d->n; i++) {
    const stet_para *q = &d->p[i];
    unsigned char h[20];
    uint32_t len = (uint32_t)q->len;
    memcpy(h, &q->label, 2);
    memcpy(h + 2, &q->marker, 2);
    memcpy(h + 4, &q->count, 4);
    memcpy(h + 8, &q->fp, 8);
    memcpy(h + 16, &len, 4);
    put(out, h, 20);
    put(out, d->text.data + q->off, q->len);
  }
  return 0;
}

/* Reads a u32 at *pos of s[0..n). 0, or -2 past the end. */
static int get_u32(const char *s, size_t n, size_t *pos, uint32_t *v) {
  if (n - *pos < 4) return -2;
  memcpy(v, s + *pos, 4);
  *pos += 4;
  return 0;
}

int stet_doc_load(stet_doc *d, const char *s, size_t n) {
  stet_doc_clear(d);
  d->has_keys = 0;
  size_t pos = 4;
  uint32_t nlab, np;
  if (n < 4 || memcmp(s, DUMP_MAGIC, 4) != 0 || get_u32(s, n, &pos, &nlab)) return -2;
  if (nlab > STET_DOC_MAX_LABELS) return -2;
  for (uint32_t i = 0; i < nlab; i++) {
    uint32_t len;
    if (get_u32(s, n, &pos, &len) || n - pos < len) return -2;
    int id = stet_doc_label(d, s + pos, len);
    if (id < 0) return -1;
    if ((uint32_t)id != i + 1) return -2; /* a name twice */
    pos += len;
  }
  if (get_u32(s, n, &pos, &np)) return -2;
  if (np > (n - pos) / 20) return -2;
  if (stet_buf_reserve(&d->text, n - pos + PAD)) return -1;
  /* all the paragraphs' room at once: a document that grew it by doubling
   * would hold the old array and the new one at the same time */
  if (reserve_paras(d, np)) return -1;
  for (uint32_t i = 0; i < np; i++) {
    if (n - pos < 20) return -2;
    const char *h = s + pos;
    uint32_t len;
    memcpy(&len, h + 16, 4);
    pos += 20;
    if (n - pos < len) return -2;
    stet_para *q = &d->p[d->n];
    memset(q, 0, sizeof *q);
    memcpy(&q->label, h, 2);
    memcpy(&q->marker, h + 2, 2);
    memcpy(&q->count, h + 4, 4);
    memcpy(&q->fp, h + 8, 8);
    if (q->label > nlab || q->marker > nlab) return -2;
    q->off = d->text.len;
    q->len = len;
    memcpy(d->text.data + d->text.len, s + pos, len);
    d->text.len += len;
    pos += len;
    d->n++;
  }
  memset(d->text.data + d->text.len, 0, PAD);
  return pos == n ? 0 : -2;
}
