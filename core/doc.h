/* core/doc.h: a document as the cleaning pipeline works on it in C.
 *
 * The normalized text lives in one buffer and each paragraph is a span of
 * it, with its fingerprint, the span of its key (core/fingerprint.h) in a
 * second buffer, and its fate: 0 when kept, else the id of a drop label
 * interned in the document ("cut", "credit", "boilerplate", ...). Rules
 * that rewrite a paragraph append the new text to the buffer and move the
 * span, so the text is never copied back and forth through Lua.
 *
 * The body is the kept paragraphs joined by a separator. Its fingerprint is
 * XXH3 over the kept paragraphs' keys: the key of "a\n\nb" is the key of
 * "a" followed by the key of "b" (line ends are dropped and never join a
 * normalization span), so stet_doc_body_fp equals stet_body_fingerprint of
 * the body without building its key again.
 *
 * A document serializes to bytes (stet_doc_dump) and back (stet_doc_load),
 * which is how pass 1 of `stet clean` hands its work to pass 2. */
#ifndef STET_DOC_H
#define STET_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "fingerprint.h"

typedef struct stet_para {
  size_t off, len;   /* the text: doc->text.data[off, off + len) */
  size_t koff, klen; /* the key: doc->keys.data[koff, koff + klen) */
  uint64_t fp;
  uint32_t count;    /* documents of the site that hold it (boilerplate) */
  uint16_t label;    /* 0 kept, else a label id (stet_doc_label) */
  uint16_t marker;   /* the cut pattern's name as a label id, 0 none */
} stet_para;

typedef struct stet_label {
  size_t off, len; /* in doc->labels */
} stet_label;

typedef struct stet_doc {
  stet_buf text;   /* normalized text, then texts set by rules */
  stet_buf keys;   /* paragraph keys */
  stet_para *p;
  size_t n, cap;
  stet_buf labels; /* label names, back to back */
  stet_label *lab;
  size_t nlab, labcap;
  int has_keys;    /* 0 after stet_doc_load: keys are rebuilt when needed */
} stet_doc;

#define STET_DOC_INIT {STET_BUF_INIT, STET_BUF_INIT, NULL, 0, 0, STET_BUF_INIT, NULL, 0, 0, 1}
#define STET_DOC_MAX_LABELS 65535

/* Frees everything (the document may be reused afterwards). */
void stet_doc_free(stet_doc *d);

/* Empties the document, keeping its memory. */
void stet_doc_clear(stet_doc *d);

/* The bytes the document has allocated. */
size_t stet_doc_size(const stet_doc *d);

/* Sets the document to the paragraphs of s[0..n) (stet_paragraphs_each:
 * blank-line separated, or one per line), each with its key and
 * fingerprint. 0, or -1 on ENOMEM. */
int stet_doc_split(stet_doc *d, stet_fp_ctx *fp, const char *s, size_t n, int lines);

/* stet_doc_split of the text in *text, taken as the document's own: the
 * buffers are swapped, no byte is copied, and *text gets the document's old
 * text buffer, emptied. 0, or -1 on ENOMEM. */
int stet_doc_split_take(stet_doc *d, stet_fp_ctx *fp, stet_buf *text, int lines);

/* Appends a kept paragraph with text s[0..n). 0, or -1 on ENOMEM. */
int stet_doc_push(stet_doc *d, stet_fp_ctx *fp, const char *s, size_t n);

/* The id of label s[0..n) (interned; ids start at 1), 0 when the document
 * already holds STET_DOC_MAX_LABELS labels, -1 on ENOMEM. */
int stet_doc_label(stet_doc *d, const char *s, size_t n);

/* The name of label id (1..nlab) and its length. */
const char *stet_doc_label_name(const stet_doc *d, unsigned id, size_t *len);

/* Replaces the text of paragraph i (0-based) with s[0..n), which may point
 * into the document's own text. 0, or -1 on ENOMEM. */
int stet_doc_set_text(stet_doc *d, stet_fp_ctx *fp, size_t i, const char *s, size_t n);

/* Splits the first line of paragraph i off into a paragraph of its own,
 * inserted before it. Returns 1 when split, 0 when the paragraph has no
 * line end, -1 on ENOMEM. */
int stet_doc_split_line(stet_doc *d, stet_fp_ctx *fp, size_t i);

/* Appends the kept paragraphs joined by sep[0..seplen) to out and returns
 * how many there were, or -1 on ENOMEM. */
long stet_doc_body(const stet_doc *d, stet_buf *out, const char *sep, size_t seplen);

/* The length of the body joined by a blank line ("\n\n"). */
size_t stet_doc_body_len(const stet_doc *d);

/* The body fingerprint (stet_body_fingerprint of the body joined by blank
 * lines) into *fp, using scratch. 0, or -1 on ENOMEM. */
int stet_doc_body_fp(stet_doc *d, stet_fp_ctx *fp, stet_buf *scratch, uint64_t *out);

/* Appends the document's bytes to out. 0, or -1 on ENOMEM. */
int stet_doc_dump(const stet_doc *d, stet_buf *out);

/* Replaces d with the document dumped in s[0..n). 0; -1 on ENOMEM; -2
 * when the bytes are not a dump. */
int stet_doc_load(stet_doc *d, const char *s, size_t n);

#endif
