#!/usr/bin/env python3
"""Baseline for `stet normalize`: Unicode NFC with Python's standard library.

    python3 bench/baselines/normalize_nfc.py [FILE...] > out

Reads each file (stdin when none) in blocks of about 4 MB cut at a line end,
decodes UTF-8 (invalid bytes become U+FFFD, as stet does), applies
unicodedata.normalize("NFC") and writes UTF-8 to stdout. Standard library
only; written for the stet benchmarks.
"""
import sys
import unicodedata

BLOCK = 4 << 20


def blocks(f):
    """Yields byte blocks of about BLOCK bytes that end at a newline."""
    rest = b""
    while True:
        chunk = f.read(BLOCK)
        if not chunk:
            if rest:
                yield rest
            return
        chunk = rest + chunk
        cut = chunk.rfind(b"\n") + 1
        if cut == 0:
            rest = chunk
            continue
        rest = chunk[cut:]
        yield chunk[:cut]


def main(paths):
    out = sys.stdout.buffer
    for path in paths or ["-"]:
        f = sys.stdin.buffer if path == "-" else open(path, "rb")
        try:
            for block in blocks(f):
                text = block.decode("utf-8", "replace")
                out.write(unicodedata.normalize("NFC", text).encode("utf-8"))
        finally:
            if f is not sys.stdin.buffer:
                f.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
