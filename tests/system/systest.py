#!/usr/bin/env python3
"""System tests: run images on armsim (and QEMU, the oracle) and check what they print.

Each subcommand is one ctest test; it prints what it checked and exits non-zero on the
first mismatch.
"""
import argparse
import os
import re
import struct
import subprocess
import sys
import tempfile

QEMU_MACHINE = ["-M", "virt,gic-version=2,virtualization=on", "-cpu", "cortex-a57",
                "-nographic", "-no-reboot"]
DIGEST_RE = re.compile(r"^armsim: digest: .*run=([0-9a-f]{16})$", re.M)


def run(cmd, timeout=60):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def armsim(args, image=None, extra=()):
    cmd = [args.armsim]
    if image:
        cmd += ["--kernel", os.path.join(args.images, image + ".elf")]
    cmd += ["--max-insns", "50000000"] + list(extra)
    return run(cmd)


def cmd_expect(args):
    extra = ["--smp", str(args.smp)]
    rc, out, err = armsim(args, args.image, extra)
    want = args.stdout.encode().decode("unicode_escape")
    if rc != 0:
        fail(f"exit status {rc}, stderr:\n{err}")
    if out != want:
        fail(f"stdout {out!r}, expected {want!r}")
    if not DIGEST_RE.search(err):
        fail(f"no run digest on stderr:\n{err}")
    print(f"ok: {args.image} printed {out!r} and exited 0")


def qemu_run(args, image, smp=1):
    if not args.qemu:
        fail("qemu-system-aarch64 not found (make deps installs qemu-system-arm)")
    return run([args.qemu] + QEMU_MACHINE + ["-smp", str(smp), "-kernel",
                                             os.path.join(args.images, image + ".elf")],
               timeout=60)


def cmd_compare_qemu(args):
    qrc, qout, qerr = qemu_run(args, args.image, args.smp)
    rc, out, err = armsim(args, args.image, ["--smp", str(args.smp)])
    if qrc != 0:
        fail(f"QEMU exited {qrc}: {qerr}")
    if rc != 0:
        fail(f"armsim exited {rc}: {err}")
    if out != qout:
        fail(f"outputs differ\n--- qemu\n{qout}\n--- armsim\n{out}")
    print(f"ok: {args.image} prints the same {len(out)} bytes on QEMU and armsim")


def cmd_determinism(args):
    digests = []
    for _ in range(2):
        rc, out, err = armsim(args, args.image, ["--seed", "7"])
        m = DIGEST_RE.search(err)
        if rc != 0 or not m:
            fail(f"run failed ({rc}): {err}")
        digests.append(m.group(1))
    if digests[0] != digests[1]:
        fail(f"same seed, different digests: {digests}")
    print(f"ok: two runs with seed 7 give digest {digests[0]}")


def cmd_dtc(args):
    with tempfile.TemporaryDirectory() as d:
        for smp in (1, 2, 8):
            dtb = os.path.join(d, f"virt{smp}.dtb")
            rc, out, err = run([args.armsim, "--dump-dtb", dtb, "--smp", str(smp)])
            if rc != 0:
                fail(f"--dump-dtb failed: {err}")
            rc, out, err = run([args.dtc, "-I", "dtb", "-O", "dts", "-o", os.devnull, dtb])
            if rc != 0 or err.strip():
                fail(f"dtc on the smp={smp} tree: rc={rc}\n{err}")
            rc, dts, err = run([args.dtc, "-I", "dtb", "-O", "dts", dtb])
            for needle in ['model = "linux,dummy-virt"', 'enable-method = "psci"',
                           'method = "smc"', 'arm,cortex-a15-gic', 'arm,armv8-timer',
                           'arm,pl011', 'stdout-path = "/pl011@9000000"']:
                if needle not in dts:
                    fail(f"smp={smp}: '{needle}' missing from the device tree")
            if dts.count('device_type = "cpu"') != smp:
                fail(f"smp={smp}: wrong number of cpu nodes")
    print("ok: the generated device trees decompile without warnings")


def cmd_bad_input(args):
    hello = os.path.join(args.images, "hello.elf")
    with tempfile.TemporaryDirectory() as d:
        text = os.path.join(d, "notes.txt")
        with open(text, "w") as f:
            f.write("this is not a kernel\n")
        truncated = os.path.join(d, "truncated.elf")
        with open(hello, "rb") as f:
            data = f.read()
        with open(truncated, "wb") as f:
            f.write(data[:200])
        # The same image with its first program header moved below RAM.
        outside = os.path.join(d, "outside.elf")
        b = bytearray(data)
        phoff = struct.unpack_from("<Q", b, 32)[0]
        struct.pack_into("<QQ", b, phoff + 16, 0x10000000, 0x10000000)  # p_vaddr, p_paddr
        with open(outside, "wb") as f:
            f.write(b)
        baddtb = os.path.join(d, "bad.dtb")
        with open(baddtb, "wb") as f:
            f.write(b"\xd0\x0d\xfe\xed" + b"\x00" * 60)

        cases = [
            ("missing kernel file", ["--kernel", os.path.join(d, "nope.elf")],
             r"cannot open kernel .*No such file"),
            ("x86 ELF", ["--kernel", args.armsim], r"ELF file for x86-64, not AArch64"),
            ("text file", ["--kernel", text], r"is not an ELF file"),
            ("truncated ELF", ["--kernel", truncated], r"truncated ELF"),
            ("unknown option", ["--kernel", hello, "--frobnicate"], r"unrecognised option"),
            ("--smp 0", ["--kernel", hello, "--smp", "0"], r"--smp must be between 1 and 8"),
            ("--smp 9", ["--kernel", hello, "--smp", "9"], r"--smp must be between 1 and 8"),
            ("malformed --mem", ["--kernel", hello, "--mem", "12X"], r"bad size '12X'"),
            ("segment outside RAM", ["--kernel", outside], r"segment 0 .* lies outside RAM"),
            ("no kernel", [], r"no --kernel given"),
            ("malformed --dtb", ["--kernel", hello, "--dtb", baddtb], r"device tree .*"),
            ("missing config", ["--config", os.path.join(d, "x.cfg")], r"cannot open config"),
        ]
        for name, argv, pattern in cases:
            rc, out, err = run([args.armsim] + argv)
            lines = err.strip().splitlines()
            if rc == 0:
                fail(f"{name}: accepted (exit 0)")
            if rc < 0:
                fail(f"{name}: crashed with signal {-rc}")
            if len(lines) != 1:
                fail(f"{name}: expected one line on stderr, got:\n{err}")
            if not re.search(pattern, lines[0]) or not lines[0].startswith("armsim: error: "):
                fail(f"{name}: message {lines[0]!r} does not match {pattern!r}")
            if out:
                fail(f"{name}: printed to stdout: {out!r}")
            print(f"ok: {name}: exit {rc}: {lines[0]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--armsim", required=True)
    ap.add_argument("--images", required=True)
    ap.add_argument("--qemu", default="")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("expect")
    p.add_argument("image")
    p.add_argument("--stdout", required=True)
    p.add_argument("--smp", type=int, default=1)
    p = sub.add_parser("compare-qemu")
    p.add_argument("image")
    p.add_argument("--smp", type=int, default=1)
    p = sub.add_parser("determinism")
    p.add_argument("image")
    p = sub.add_parser("dtc")
    p.add_argument("--dtc", default="dtc")
    sub.add_parser("bad-input")
    args = ap.parse_args()
    {"expect": cmd_expect, "compare-qemu": cmd_compare_qemu, "determinism": cmd_determinism,
     "dtc": cmd_dtc, "bad-input": cmd_bad_input}[args.cmd](args)


if __name__ == "__main__":
    main()
