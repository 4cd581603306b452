#!/usr/bin/env python3
"""Writes the test disk image for the block scenarios: SIZE bytes where byte j of 512-byte
sector s is (s * 131 + j * 7 + 0x5a) & 0xff, so every sector differs and a misplaced read
shows. The blkfront app and scenarios/pv-block know this formula."""
import sys

out, size = sys.argv[1], int(sys.argv[2])
data = bytearray(size)
for i in range(size):
    s, j = divmod(i, 512)
    data[i] = (s * 131 + j * 7 + 0x5A) & 0xFF
with open(out, "wb") as f:
    f.write(data)
