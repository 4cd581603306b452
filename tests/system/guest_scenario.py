#!/usr/bin/env python3
"""One guest scenario (scenarios/NAME/scenario.cfg) on armsim, on QEMU (tools/run-on-qemu),
or on QEMU with upstream Xen in place of our hypervisor (xen_oracle.py).

Exit 0 when the scenario passed. Exit 77 (ctest: skipped) only with a printed reason, and
only when an image is not built. Anything else that goes wrong -- a guest misbehaving, the
hypervisor panicking, a run that hangs -- fails the test, on its first run: there are no
retries, so a race shows up as a failure.
"""
import argparse
import os
import re
import subprocess
import sys

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def images_in(cfg, images):
    out = []
    with open(cfg) as f:
        for line in f:
            s = line.strip()
            if s.startswith("#") or "=" not in s:
                continue
            key, value = (x.strip() for x in s.split("=", 1))
            if key in ("kernel", "module"):
                path = value.strip('"').split(",")[0].replace("${images}", images)
                out.append(path)
    return out


def patterns(cfg, key):
    out = []
    with open(cfg) as f:
        for line in f:
            s = line.strip()
            if s.startswith(key) and "=" in s:
                k, v = (x.strip() for x in s.split("=", 1))
                if k == key:
                    out.append(v.strip('"'))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--armsim", required=True)
    ap.add_argument("--images", required=True)
    ap.add_argument("--qemu", default="qemu-system-aarch64")
    ap.add_argument("--on", choices=["armsim", "qemu", "xen-oracle"], default="armsim")
    ap.add_argument("--determinism", type=int, metavar="SEED",
                    help="armsim: run twice with this seed and require the same run digest")
    ap.add_argument("--xen", help="upstream Xen image for --on xen-oracle")
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("name")
    args = ap.parse_args()
    cfg = os.path.join(REPO, "scenarios", args.name, "scenario.cfg")
    for path in images_in(cfg, args.images):
        if args.on == "xen-oracle" and path.endswith("/xen.elf"):
            continue
        if not os.path.exists(path):
            print(f"SKIP: {args.name}: {os.path.basename(path)} is not built"
                  + (" (the hypervisor, issue 5, has not landed)" if path.endswith("xen.elf")
                     else ""))
            sys.exit(SKIP)
    env = dict(os.environ, ARMSIM_IMAGES=args.images)
    if args.determinism is not None:
        digests = []
        for _ in range(2):
            p = subprocess.run([args.armsim, "--config", cfg, "--seed", str(args.determinism)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=args.timeout, env=env)
            err = p.stderr.decode(errors="replace")
            m = re.search(r"^armsim: digest: .*run=([0-9a-f]{16})$", err, re.M)
            if p.returncode != 0 or not m:
                print(f"FAIL: {args.name} with seed {args.determinism}: exit {p.returncode}")
                sys.stdout.write(err[-3000:])
                sys.exit(1)
            digests.append(m.group(0))
        if digests[0] != digests[1]:
            print(f"FAIL: {args.name}: the same seed gave two runs:\n  {digests[0]}\n  {digests[1]}")
            sys.exit(1)
        print(f"ok: {args.name} twice with seed {args.determinism}: {digests[0]}")
        sys.exit(0)
    if args.on == "armsim":
        cmd = [args.armsim, "--config", cfg]
    elif args.on == "qemu":
        # The run is bounded well inside the test's own timeout, so a hung run fails with
        # its console in the log instead of being killed by ctest.
        cmd = [sys.executable, os.path.join(REPO, "tools", "run-on-qemu"), "--armsim",
               args.armsim, "--qemu", args.qemu, "--timeout", str(int(args.timeout / 2.5)), cfg]
    else:
        cmd = [sys.executable, os.path.join(HERE, "xen_oracle.py"), "--armsim", args.armsim,
               "--xen", args.xen, "--qemu", args.qemu, "--images", args.images, cfg]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=args.timeout, env=env)
    except subprocess.TimeoutExpired:
        print(f"FAIL: {args.name} on {args.on}: still running after {args.timeout} s")
        sys.exit(1)
    out = p.stdout.decode(errors="replace")
    err = p.stderr.decode(errors="replace")
    if p.returncode == 0 and re.search(r"scenario passed", err):
        print(f"ok: {args.name} passed on {args.on}")
        print(err.strip().splitlines()[-1] if err.strip() else "")
        sys.exit(0)
    lines = out.splitlines()
    unmatched = [e for e in patterns(cfg, "expect") if not any(re.search(e, l) for l in lines)]
    forbidden = [f for f in patterns(cfg, "forbid") if any(re.search(f, l) for l in lines)]
    print(f"FAIL: {args.name} on {args.on} (exit {p.returncode}): {len(unmatched)} expected "
          f"line(s) missing, {len(forbidden)} forbidden pattern(s) matched")
    for e in unmatched:
        print(f"  missing:   {e}")
    for f in forbidden:
        print(f"  forbidden: {f}")
    sys.stdout.write(out[-8000:])
    sys.stdout.write(err[-4000:])
    sys.exit(1)


if __name__ == "__main__":
    main()
