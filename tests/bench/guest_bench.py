#!/usr/bin/env python3
"""Guest-level numbers (make bench): what the mini-OS apps measure in the PV scenarios, in
armsim's simulated time (one cycle per instruction at 1 GHz unless --cpu-timing says
otherwise) and, for comparison, in QEMU's host time; plus armsim's host seconds per run."""
import argparse
import os
import re
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
MEASURES = [
    ("evtchn-pingpong", r"pingpong: ping: (\d+) round trips in (\d+) us: (\d+) per second",
     lambda m: f"{m[3]} event-channel round trips per second ({int(m[2]) * 1000 // int(m[1])} ns each)"),
    ("pv-net", r"netfront: a: (\d+) round trips in (\d+) us after the first \((\d+) ns each\)",
     lambda m: f"{m[3]} ns per frame round trip through dom0's bridge"),
    ("pv-block", r"blkfront: wrote (\d+) KiB in (\d+) us, read and checked it in (\d+) us",
     lambda m: f"{int(m[1]) * 1000000 // max(1, int(m[2])) // 1024} MiB/s written, "
               f"{int(m[1]) * 1000000 // max(1, int(m[3])) // 1024} MiB/s read and checked"),
]


def run(cmd, env):
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                       timeout=900)
    return p.returncode, p.stdout.decode(errors="replace"), time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--armsim", required=True)
    ap.add_argument("--images", required=True)
    ap.add_argument("--qemu", default="qemu-system-aarch64")
    args = ap.parse_args()
    env = dict(os.environ, ARMSIM_IMAGES=args.images)
    for name, pattern, fmt in MEASURES:
        cfg = os.path.join(REPO, "scenarios", name, "scenario.cfg")
        rc, out, wall = run([args.armsim, "--config", cfg], env)
        m = re.search(pattern, out)
        sim = re.search(r"time=(\d+)ps", out)
        print(f"{name:16s} armsim: " + (fmt(m) if m else f"no measurement (exit {rc})") +
              (f"; {int(sim[1]) / 1e12:.3f} s simulated in {wall:.1f} s" if sim else ""))
        rc, out, wall = run([os.path.join(REPO, "tools", "run-on-qemu"), "--armsim", args.armsim,
                             "--qemu", args.qemu, cfg], env)
        m = re.search(pattern, out)
        print(f"{name:16s} QEMU:   " + (fmt(m) if m else f"no measurement (exit {rc})") +
              f"; {wall:.1f} s")


if __name__ == "__main__":
    main()
