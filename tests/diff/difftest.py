#!/usr/bin/env python3
"""Random-instruction differential test: the same generated image on QEMU and armsim.

For each seed: gen.py writes the blocks, the cross compiler assembles them and links them
with the harness (harness/) and the bare runtime, both simulators run the image, and their
outputs -- registers, NZCV and an arena checksum after every block, and every exception the
random code took -- must be identical. On a mismatch it prints the first differing block,
the fields that differ and the block's source, and keeps the files in the work directory.

  difftest.py [paths] run --seed 7 --mode el1      one seed (the ctest tests)
  difftest.py [paths] sweep --seeds 200 --start 1000   many seeds (make bench)
"""
import argparse
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402

QEMU_MACHINE = ["-M", "virt,gic-version=2,virtualization=on", "-cpu", "cortex-a57",
                "-nographic", "-no-reboot"]


def sh(cmd, timeout=120):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def build(a, seed, mode, blocks, insns, cut=None):
    d = os.path.join(a.workdir, f"seed{seed}-el{mode}" + ("-bisect" if cut else ""))
    os.makedirs(d, exist_ok=True)
    text, total, _ = gen.generate(seed, mode, blocks, insns, cut)
    src = os.path.join(d, "blocks.S")
    with open(src, "w") as f:
        f.write(text)
    obj, elf = os.path.join(d, "blocks.o"), os.path.join(d, "test.elf")
    rc, out, err = sh([a.cc, "-c", "-march=armv8-a+crc", "-o", obj, src])
    if rc:
        sys.exit(f"FAIL: seed {seed}: assembling {src}:\n{err}")
    libs = list(a.lib)
    for libdir in a.libdir:  # every archive of the bare runtime, however it is split
        libs += sorted(os.path.join(libdir, f) for f in os.listdir(libdir) if f.endswith(".a"))
    rc, out, err = sh([a.cc, "-nostdlib", "-nostartfiles", "-static", "-no-pie",
                       "-Wl,--build-id=none", "-Wl,--undefined=_start", "-T", a.ldscript,
                       "-o", elf, obj, "-Wl,--start-group"] + libs +
                      ["-Wl,--end-group", "-lgcc"])
    if rc:
        sys.exit(f"FAIL: seed {seed}: linking:\n{err}")
    return d, src, elf, total


FIELD = re.compile(r"(\w+)=(\S+)")


def disassemble(a, elf, block, offset):
    """objdump of a few instructions around `offset` in block `block`."""
    objdump = a.cc[:-3] + "objdump" if a.cc.endswith("gcc") else "objdump"
    rc, syms, _ = sh(["nm", elf])
    m = re.search(rf"^([0-9a-f]+) \w blk_{block}$", syms, re.M)
    if not m:
        return ""
    at = int(m.group(1), 16) + offset
    rc, text, _ = sh([objdump, "-d", f"--start-address={at - 16:#x}",
                      f"--stop-address={at + 8:#x}", elf])
    lines = [l for l in text.splitlines() if re.match(r"\s+[0-9a-f]+:", l)]
    return "\n".join(("=> " if l.strip().startswith(f"{at:x}:") else "   ") + l.strip()
                     for l in lines)


def explain(a, elf, line_q, line_a, src, block):
    out = []
    m = re.search(r"elr=\+([0-9a-f]+)", line_q) or re.search(r"elr=\+([0-9a-f]+)", line_a)
    if m:
        out.append(disassemble(a, elf, block, int(m.group(1), 16)))
    fq, fa = dict(FIELD.findall(line_q)), dict(FIELD.findall(line_a))
    diffs = [k for k in fq if fq.get(k) != fa.get(k)] + [k for k in fa if k not in fq]
    if diffs:
        out.append("differing: " + ", ".join(f"{k} qemu={fq.get(k)} armsim={fa.get(k)}"
                                             for k in diffs))
    text = open(src).read()
    m = re.search(rf"^blk_{block}:\n(.*?)^blk_{block}_end:", text, re.S | re.M)
    if m:
        out.append(f"--- block {block} ({src})")
        out.append(m.group(1).rstrip())
    return "\n".join(out)


def bisect(a, seed, mode, blocks, insns, block):
    """The first group of `block` after which the two simulators' state differs."""
    def differs(g):
        d, src, elf, _ = build(a, seed, mode, blocks, insns, (block, g))
        q = sh([a.qemu] + QEMU_MACHINE + ["-kernel", elf], timeout=a.timeout)[1]
        r = sh([a.armsim, "--kernel", elf, "--max-insns", "500000000"], timeout=a.timeout)[1]
        return q != r, src
    lo, hi = 0, 1
    while not differs(hi)[0] and hi < 4096:
        lo, hi = hi, hi * 2
    while lo < hi:
        mid = (lo + hi) // 2
        if differs(mid)[0]:
            hi = mid
        else:
            lo = mid + 1
    _, src = differs(lo)
    text = open(src).read()
    m = re.search(rf"^L{block}_{lo}:\n(.*?)^L{block}_", text, re.S | re.M)
    return f"first differing group: L{block}_{lo} (bisected)\n" + (m.group(1).rstrip() if m else "")


def run_seed(a, seed, mode, blocks, insns):
    d, src, elf, total = build(a, seed, mode, blocks, insns)
    t0 = time.perf_counter()
    qrc, qout, qerr = sh([a.qemu] + QEMU_MACHINE + ["-kernel", elf], timeout=a.timeout)
    t1 = time.perf_counter()
    rc, out, err = sh([a.armsim, "--kernel", elf, "--max-insns", "500000000"],
                      timeout=a.timeout)
    t2 = time.perf_counter()
    with open(os.path.join(d, "qemu.out"), "w") as f:
        f.write(qout)
    with open(os.path.join(d, "armsim.out"), "w") as f:
        f.write(out)
    tag = f"seed={seed} mode=el{mode}"
    if qrc != 0 or "done exceptions=" not in qout:
        return False, f"FAIL: {tag}: QEMU exited {qrc} without finishing:\n{qerr}\n{qout[-2000:]}"
    ql, al = qout.splitlines(), out.splitlines()
    for i, lq in enumerate(ql):
        la = al[i] if i < len(al) else "<missing>"
        if lq != la:
            m = re.match(r"[BE](\d+)", lq) or re.match(r"[BE](\d+)", la)
            block = int(m.group(1)) if m else -1
            msg = [f"FAIL: {tag}: outputs differ at line {i + 1} (block {block})",
                   f"  qemu:   {lq}", f"  armsim: {la}"]
            if block >= 0:
                msg.append(explain(a, elf, lq, la, src, block))
                if lq.startswith("B") and la.startswith("B"):
                    msg.append(bisect(a, seed, mode, blocks, insns, block))
            msg.append(f"armsim exit {rc}; files kept in {d}")
            if err.strip():
                msg.append(err.strip()[-1500:])
            return False, "\n".join(msg)
    if len(al) != len(ql):
        return False, f"FAIL: {tag}: armsim printed {len(al) - len(ql)} extra lines:\n" + \
            "\n".join(al[len(ql):len(ql) + 5])
    if rc != 0:
        return False, f"FAIL: {tag}: armsim exited {rc}:\n{err}"
    exc = re.search(r"done exceptions=(\d+)", out).group(1)
    return True, (f"ok: {tag}: {blocks} blocks, {total} random instructions, {exc} exceptions "
                  f"taken; registers, NZCV, SP and memory identical on QEMU and armsim "
                  f"(qemu {t1 - t0:.1f}s, armsim {t2 - t1:.1f}s)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cc", required=True, help="AArch64 cross gcc")
    ap.add_argument("--ldscript", required=True)
    ap.add_argument("--lib", action="append", default=[], help="static libraries")
    ap.add_argument("--libdir", action="append", default=[],
                    help="directories whose static libraries are all linked")
    ap.add_argument("--armsim", required=True)
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--timeout", type=int, default=120)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("run")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--mode", choices=["el0", "el1", "el2"], default="el2")
    p.add_argument("--blocks", type=int, default=50)
    p.add_argument("--insns", type=int, default=40)
    p = sub.add_parser("sweep")
    p.add_argument("--seeds", type=int, default=100)
    p.add_argument("--start", type=int, default=1000)
    p.add_argument("--blocks", type=int, default=50)
    p.add_argument("--insns", type=int, default=40)
    a = ap.parse_args()
    if not a.qemu:
        sys.exit("FAIL: qemu-system-aarch64 not found (make deps installs qemu-system-arm)")
    os.makedirs(a.workdir, exist_ok=True)
    if a.cmd == "run":
        ok, msg = run_seed(a, a.seed, int(a.mode[2]), a.blocks, a.insns)
        print(msg)
        sys.exit(0 if ok else 1)
    failures, insns = 0, 0
    for i in range(a.seeds):
        seed, mode = a.start + i, i % 3
        ok, msg = run_seed(a, seed, mode, a.blocks, a.insns)
        print(msg, flush=True)
        if ok:
            insns += int(re.search(r"(\d+) random instructions", msg).group(1))
        else:
            failures += 1
    print(f"sweep: {a.seeds - failures} of {a.seeds} seeds agree; {insns} random instructions "
          f"checked in the seeds that agree")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
