#!/usr/bin/env python3
"""MIPS of armsim against QEMU (TCG and -icount shift=0) on the same bare-metal workload,
measured in the same run. The instruction count comes from armsim's run digest; QEMU runs
the identical image, so it executes the same instructions. Each figure is the best of
--repeat runs (wall-clock time of the whole process, start-up included)."""
import argparse
import os
import re
import subprocess
import sys
import time

QEMU = ["-M", "virt,gic-version=2,virtualization=on", "-cpu", "cortex-a57", "-nographic"]


def timed(cmd):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=1200)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}\n{p.stderr.decode()}")
    return dt, p.stdout.decode(), p.stderr.decode()


def best(cmd, repeat):
    runs = [timed(cmd) for _ in range(repeat)]
    return min(runs, key=lambda r: r[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--armsim", required=True)
    ap.add_argument("--images", required=True)
    ap.add_argument("--qemu", default="")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("image")
    a = ap.parse_args()
    elf = os.path.join(a.images, a.image + ".elf")
    smp = ["-smp", str(a.smp)]

    t, out, err = best([a.armsim, "--smp", str(a.smp), "--kernel", elf], a.repeat)
    m = re.search(r"insns=([0-9,]+)", err)
    if not m:
        sys.exit("FAIL: no digest from armsim")
    insns = sum(int(x) for x in m.group(1).split(","))
    rows = [("armsim", t, out)]
    if a.qemu:
        rows.append(("qemu-tcg", *best([a.qemu] + QEMU + smp + ["-kernel", elf], a.repeat)[:2]))
        rows.append(("qemu-icount",
                     *best([a.qemu] + QEMU + smp + ["-icount", "shift=0", "-kernel", elf],
                           a.repeat)[:2]))
    cores = f" on {a.smp} cores (aggregate over all cores)" if a.smp > 1 else ""
    print(f"workload {a.image}: {insns} instructions{cores}, best of {a.repeat}")
    print(f"{'simulator':<12} {'seconds':>8} {'MIPS':>8} {'speed / armsim':>15}")
    for name, secs, *rest in rows:
        if rest and rest[0] != out:
            sys.exit(f"FAIL: {name} printed something else:\n{rest[0]}\nvs\n{out}")
        print(f"{name:<12} {secs:8.3f} {insns / secs / 1e6:8.1f} {t / secs:15.2f}")


if __name__ == "__main__":
    main()
