#!/usr/bin/env python3
"""Runs a guest scenario on QEMU with *upstream Xen* in place of our hypervisor.

The guests speak Xen's published ABI; upstream Xen (e.g. Debian's xen-hypervisor-4.17-arm64,
boot/xen-4.17-arm64) is the reference they are checked against while our hypervisor grows.
armsim translates the scenario into a QEMU command line and device tree
(--qemu-equivalent); this tool swaps the kernel for the given Xen image, marks dom0less
domains `xen,enhanced` (so upstream Xen gives them a store event channel and grant table,
as ours does by default), runs QEMU and checks the scenario's expect/forbid patterns.

    tests/system/xen_oracle.py --armsim build/bin/armsim --xen /path/to/xen-4.17-arm64 \\
        scenarios/xen-hello/scenario.cfg

Exit status 0 when every expectation held, 2 otherwise, 1 for bad input.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--armsim", required=True)
    ap.add_argument("--xen", required=True, help="an upstream Xen arm64 Image")
    ap.add_argument("--qemu", default="qemu-system-aarch64")
    ap.add_argument("--images", default=None)
    ap.add_argument("--timeout", type=float, default=120.0, help="host seconds")
    ap.add_argument("--show", action="store_true", help="print the console as it comes")
    ap.add_argument("cfg")
    args = ap.parse_args()
    env = dict(os.environ)
    if args.images:
        env["ARMSIM_IMAGES"] = args.images
    with tempfile.TemporaryDirectory() as d:
        dtb = os.path.join(d, "armsim.dtb")
        p = subprocess.run([args.armsim, "--config", args.cfg, "--kernel", args.xen,
                            "--qemu-equivalent", "--dump-dtb", dtb],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=60)
        if p.returncode != 0:
            sys.stderr.write(p.stderr.decode(errors="replace"))
            sys.exit(1)
        spec = json.loads(p.stdout.decode())
        argv = spec["argv"]
        if os.path.exists(dtb):
            dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", dtb],
                                 stdout=subprocess.PIPE, check=True).stdout.decode()
            dts = re.sub(r'(compatible = "xen,domain";)',
                         r'\1\n\t\t\txen,enhanced = "enabled";', dts)
            # Upstream Xen drops domU console output unless asked to print it; Debian builds it
            # with XSM SILO by default, which forbids domU-to-domU channels: use the dummy
            # policy (classic Xen behaviour, which our hypervisor follows).
            dts = re.sub(r'(xen,xen-bootargs = ")', r'\1guest_loglvl=all xsm=dummy ', dts)
            patched = os.path.join(d, "xen.dtb")
            subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", patched, "-"],
                           input=dts.encode(), check=True)
            argv = [patched if a == dtb else a for a in argv]
        argv[0] = args.qemu
        argv += ["-no-reboot"]
        try:
            q = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=args.timeout)
            out = q.stdout.decode(errors="replace")
            timed_out = False
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode(errors="replace")
            timed_out = True
    if args.show:
        sys.stdout.write(out)
    lines = out.splitlines()
    problems = []
    for e in spec["expect"]:
        if not any(re.search(e, l) for l in lines):
            problems.append(f"no console line matched /{e}/")
    for f in spec["forbid"]:
        bad = [l for l in lines if re.search(f, l)]
        if bad:
            problems.append(f"forbidden /{f}/ matched {bad[0]!r}")
    if timed_out and not spec["stop_on"]:
        problems.append(f"QEMU still running after {args.timeout} s")
    if problems:
        if not args.show:
            sys.stdout.write(out)
        for pr in problems:
            print(f"xen-oracle: scenario failed: {pr}", file=sys.stderr)
        sys.exit(2)
    print(f"xen-oracle: scenario passed on upstream Xen: {len(spec['expect'])} expected "
          f"patterns matched", file=sys.stderr)


if __name__ == "__main__":
    main()
