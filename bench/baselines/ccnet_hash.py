#!/usr/bin/env python3
"""Baseline for `stet hash`: paragraph hashing the way CCNet does it.

    python3 bench/baselines/ccnet_hash.py PATH...

PATH is a JSON Lines file (one document per line, text in "text"), a folder
(every *.txt file below it, sorted, one document each) or a text file (one
document). Per document, as CCNet's deduplication step does: split the text
on newlines; per non-empty line, lower-case, map every digit to 0, drop
punctuation (Unicode categories P*), squeeze spaces; SHA-1 of the result,
first 8 bytes, counted in a dict. Prints documents, paragraphs, distinct
hashes and the most repeated counts. Standard library only; written for the
stet benchmarks from the description of the method, not from CCNet's code.
"""
import hashlib
import json
import os
import sys
import unicodedata


class KeyTable(dict):
    """str.translate table built lazily: digits -> "0", punctuation -> drop."""

    def __missing__(self, cp):
        ch = chr(cp)
        cat = unicodedata.category(ch)
        if cat == "Nd":
            value = "0"
        elif cat[0] == "P":
            value = None
        else:
            value = ch
        self[cp] = value
        return value


TABLE = KeyTable()


def documents(path):
    """Yields the text of every document under path."""
    if os.path.isdir(path):
        for root, dirs, files in os.walk(path):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(".txt"):
                    with open(os.path.join(root, name), encoding="utf-8",
                              errors="surrogateescape") as f:
                        yield f.read()
    elif path.endswith(".jsonl"):
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            for line in f:
                if line.strip():
                    yield json.loads(line).get("text", "")
    else:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            yield f.read()


def main(paths):
    if not paths:
        sys.stderr.write("usage: ccnet_hash.py PATH...\n")
        return 1
    counts = {}
    docs = paras = 0
    for path in paths:
        for text in documents(path):
            docs += 1
            for line in text.split("\n"):
                key = " ".join(line.lower().translate(TABLE).split())
                if not key:
                    continue
                paras += 1
                h = hashlib.sha1(key.encode("utf-8", "surrogateescape")).digest()[:8]
                counts[h] = counts.get(h, 0) + 1
    top = sorted(counts.values(), reverse=True)[:5]
    print("documents %d paragraphs %d distinct %d top %s" % (docs, paras, len(counts), top))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
