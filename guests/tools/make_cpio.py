#!/usr/bin/env python3
"""Writes a newc cpio archive: make_cpio.py OUT NAME=PATH... (what dom0's toolstack reads
from its ramdisk: its script and the images of the guests it creates)."""
import sys


def entry(name, data, ino, mode):
    nb = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0]
    h = b"070701" + b"".join(b"%08x" % f for f in fields) + nb
    h += b"\0" * (-len(h) % 4)
    return h + data + b"\0" * (-len(data) % 4)


out = bytearray()
for i, spec in enumerate(sys.argv[2:], 1):
    name, path = spec.split("=", 1)
    with open(path, "rb") as f:
        out += entry(name, f.read(), i, 0o100644)
out += entry("TRAILER!!!", b"", 0, 0)
with open(sys.argv[1], "wb") as f:
    f.write(out)
