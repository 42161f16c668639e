/* core/json.h: a small scanner that picks string fields out of one JSON
 * object (a JSONL line) without building anything for the rest.
 *
 * stet_json_scan checks the whole text against the JSON grammar (RFC 8259)
 * and reports where the string values of the requested top-level keys are.
 * It handles only what is common in scraped corpora; anything else makes it
 * answer STET_JSON_UNUSUAL, and the caller then uses a full decoder
 * (lua-cjson in stet.json_fields). Unusual: a top level that is not an
 * object, a requested key whose value is not a string, nesting deeper than
 * STET_JSON_MAX_DEPTH. Invalid text (the grammar is not met) is
 * STET_JSON_INVALID; the caller may still ask the full decoder, which is
 * more lenient (numbers such as 0x10 or NaN) and has its own messages.
 *
 * Strings are taken as lua-cjson takes them: bytes other than '"' and '\\'
 * pass through unchanged (raw control characters and invalid UTF-8
 * included), escapes are \" \\ \/ \b \f \n \r \t and \uXXXX, where a high
 * surrogate must be followed by an escaped low surrogate (the pair becomes
 * one 4-byte UTF-8 character) and a lone surrogate is invalid. When a key
 * occurs twice the last one wins. Nothing here allocates. */
#ifndef STET_JSON_H
#define STET_JSON_H

#include <stddef.h>
#include <stdint.h>

#define STET_JSON_MAX_DEPTH 1000

typedef enum stet_json_status {
  STET_JSON_OK = 0,       /* an object; the fields are filled in */
  STET_JSON_UNUSUAL = 1,  /* valid as far as read, but ask a full decoder */
  STET_JSON_INVALID = 2   /* not JSON */
} stet_json_status;

/* A requested key (name, len) and, after a scan, where its string is. */
typedef struct stet_json_field {
  const char *name;
  size_t len;
  int found;        /* the key occurs with a string value */
  int escaped;      /* the raw value holds a backslash: unescape it */
  size_t start;     /* the raw value (between the quotes) is s[start, stop) */
  size_t stop;
  char *out;        /* NULL, or room for n bytes (the whole text): an escaped
                       value is written there unescaped while it is scanned,
                       saving the caller a stet_json_unescape pass */
  size_t outlen;    /* the length written to out (when found and escaped) */
  uint32_t *nl;     /* NULL, or room for nl_cap offsets (with out only):
                       where the value's escapes \n and \u000A put a
                       newline in out, in order; nl_n says how many there
                       were, more than nl_cap when they did not fit. A
                       caller that knows s holds no raw newline (a line of
                       JSON Lines) then has every line break of the value
                       without looking for them. */
  size_t nl_cap, nl_n;
} stet_json_field;

/* Scans s[0..n) as one JSON object and fills in fields[0..nf). On
 * STET_JSON_INVALID, *where (may be NULL) is the byte offset of the error. */
stet_json_status stet_json_scan(const char *s, size_t n, stet_json_field *fields, size_t nf,
                                size_t *where);

/* stet_json_scan for a caller that must know the whole top level: *others
 * is the number of top-level keys not requested (a key given twice counts
 * twice), and a requested key whose value is null counts as absent (found
 * 0, whatever came before it) instead of making the object unusual. */
stet_json_status stet_json_scan_top(const char *s, size_t n, stet_json_field *fields, size_t nf,
                                    size_t *where, size_t *others);

/* stet_json_scan (others NULL) or stet_json_scan_top with the code path
 * chosen, for tests: simd 0 the baseline (SSE2 on x86_64), 1 AVX2 when the
 * CPU has it, -1 the best the CPU has (what the two above do). */
stet_json_status stet_json_scan_simd(const char *s, size_t n, stet_json_field *fields, size_t nf,
                                     size_t *where, size_t *others, int simd);

/* Writes the value of the raw string body s[0..n) (what lies between the
 * quotes, as stet_json_scan reported it) to out, which has room for n
 * bytes: a value is never longer than its body. Returns the length, or
 * (size_t)-1 when an escape is invalid. */
size_t stet_json_unescape(const char *s, size_t n, char *out);

/* Writes s[0..n) escaped for the inside of a JSON string literal to out,
 * which has room for 6 * n bytes, and returns the length: quote, backslash,
 * C0 controls and DEL escaped (\n, \t... or \u00XX), every other byte
 * (UTF-8 included) as it is. */
size_t stet_json_escape_to(char *out, const char *s, size_t n);

/* stet_json_escape_to with the scan chosen, for tests: 0 the baseline
 * (SSE2 on x86_64), 1 AVX2 when the CPU has it, -1 the best the CPU has. */
size_t stet_json_escape_to_simd(char *out, const char *s, size_t n, int simd);

#endif
