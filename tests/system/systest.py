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
import time

QEMU_MACHINE = ["-M", "virt,gic-version=2,virtualization=on", "-cpu", "cortex-a57",
                "-nographic", "-no-reboot"]
DIGEST_RE = re.compile(r"^armsim: digest: .*run=([0-9a-f]{16})$", re.M)
DIGEST_FIELDS_RE = re.compile(r"^armsim: digest: insns=([0-9,]+) time=([0-9]+)ps", re.M)


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
    if args.cpu_timing:
        extra += ["--cpu-timing", args.cpu_timing]
    t0 = time.perf_counter()
    rc, out, err = armsim(args, args.image, extra)
    host = time.perf_counter() - t0
    want = args.stdout.encode().decode("unicode_escape")
    if rc != 0:
        fail(f"exit status {rc}, stderr:\n{err}")
    if out != want:
        fail(f"stdout {out!r}, expected {want!r}")
    m = DIGEST_FIELDS_RE.search(err)
    if not DIGEST_RE.search(err) or not m:
        fail(f"no run digest on stderr:\n{err}")
    insns = sum(int(x) for x in m.group(1).split(","))
    sim_ps = int(m.group(2))
    # Idle time must be skipped, not executed: bound the instructions, require the time.
    if args.max_total_insns and insns > args.max_total_insns:
        fail(f"{insns} instructions retired, more than {args.max_total_insns}")
    if args.min_time_ps and sim_ps < args.min_time_ps:
        fail(f"simulated time {sim_ps} ps, less than {args.min_time_ps}")
    print(f"ok: {args.image} printed {out!r} and exited 0 "
          f"({insns} instructions, {sim_ps / 1e12:.6f} s simulated, {host:.3f} s host)")


def qemu_run(args, image, smp=1):
    if not args.qemu:
        fail("qemu-system-aarch64 not found (make deps installs qemu-system-arm)")
    return run([args.qemu] + QEMU_MACHINE + ["-smp", str(smp), "-kernel",
                                             os.path.join(args.images, image + ".elf")],
               timeout=60)


def cmd_compare_qemu(args):
    qrc, qout, qerr = qemu_run(args, args.image, args.smp)
    rc, out, err = armsim(args, args.image, ["--smp", str(args.smp)] + args.armsim_arg)
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
        big = os.path.join(d, "big.bin")
        with open(big, "wb") as f:
            f.truncate(16 << 20)
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
            ("module overlapping the kernel",
             ["--kernel", hello, "--module", f"{text},addr=0x40201000"],
             r"module '.*notes.txt' \[0x40201000, 0x40201015\) overlaps the kernel image"),
            ("two modules overlapping",
             ["--kernel", hello, "--module", f"{text},addr=0x41000000",
              "--module", f"{hello},addr=0x41000010"], r"overlaps module '.*notes.txt'"),
            ("module outside RAM", ["--kernel", hello, "--module", f"{text},addr=0x60000000"],
             r"does not fit in RAM \[0x40000000, 0x60000000\)"),
            ("module too large for RAM", ["--kernel", hello, "--mem", "16M", "--module", big],
             r"module '.*big.bin' \(16777216 bytes\) does not fit in RAM"),
            ("missing module", ["--kernel", hello, "--module", os.path.join(d, "nope.bin")],
             r"cannot open module .*No such file"),
            ("module of an unknown domain", ["--kernel", hello, "--module", f"{text},domain=d1"],
             r"no --domain named 'd1'"),
            ("initrd with an ELF kernel", ["--kernel", hello, "--initrd", text],
             r"--initrd needs a Linux Image or raw kernel"),
            ("text file as kernel", ["--kernel", text], r"format=raw"),
            ("bad regex", ["--kernel", hello, "--expect", "a(b"], r"bad regular expression"),
            ("unwritable trace", ["--kernel", hello, "--trace", "/nonexistent/t.json"],
             r"cannot write trace file"),
            ("unwritable record", ["--kernel", hello, "--record", "/nonexistent/r.rec"],
             r"cannot write record file"),
            ("replay file not from --record", ["--replay", text], r"expected 'key = value'"),
        ]
        for name, body in [("unknown-key.cfg", "kernel = ${images}/hello.elf\nfrobnicate = 1\n"),
                           ("no-equals.cfg", "kernel ${images}/hello.elf\n"),
                           ("bad-var.cfg", "kernel = ${imgs}/hello.elf\n"),
                           ("missing-image.cfg", "kernel = nowhere/hello.elf\n"),
                           ("bad-pattern.cfg", "kernel = ${images}/hello.elf\nforbid = [a-\n")]:
            with open(os.path.join(d, name), "w") as f:
                f.write(body)
        cases += [
            ("scenario with an unknown key", ["--config", os.path.join(d, "unknown-key.cfg")],
             r"unknown-key.cfg' line 2: unknown option 'frobnicate'"),
            ("scenario line without '='", ["--config", os.path.join(d, "no-equals.cfg")],
             r"line 1: expected 'key = value'"),
            ("scenario with an unknown variable", ["--config", os.path.join(d, "bad-var.cfg")],
             r"line 1: unknown variable '\$\{imgs\}'"),
            ("scenario with a missing image", ["--config", os.path.join(d, "missing-image.cfg")],
             r"cannot open kernel '.*/nowhere/hello.elf'"),
            ("scenario with a bad pattern", ["--config", os.path.join(d, "bad-pattern.cfg")],
             r"--forbid: bad regular expression"),
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


def cmd_scenario(args):
    """A scenario passes on armsim (and, with --qemu-too, through tools/run-on-qemu)."""
    cfg = os.path.join(args.repo, "scenarios", args.name, "scenario.cfg")
    env = dict(os.environ, ARMSIM_IMAGES=args.images)
    if args.on_qemu:
        cmd = [sys.executable, os.path.join(args.repo, "tools", "run-on-qemu"),
               "--armsim", args.armsim, "--qemu", args.qemu, cfg]
    else:
        cmd = [args.armsim, "--config", cfg] + args.armsim_arg
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300, env=env)
    err = p.stderr.decode(errors="replace")
    if p.returncode != 0:
        fail(f"{' '.join(cmd)} exited {p.returncode}:\n{err}")
    if "scenario passed" not in err:
        fail(f"no 'scenario passed' line:\n{err}")
    print(f"ok: {args.name} passed on {'QEMU' if args.on_qemu else 'armsim'}")


def cmd_scenario_checks(args):
    """expect / forbid / stop-on / timeout decide the exit status, with one clear line."""
    hello = os.path.join(args.images, "hello.elf")
    bench = os.path.join(args.images, "bench_cpu.elf")
    probe = os.path.join(args.images, "boot_info.elf")  # prints several lines
    greeting = "^Hello from EL2"
    cases = [
        ("all expected lines", [hello, "--expect", greeting, "--expect", "dummy-virt$"], 0,
         r"scenario passed: 2/2 expected patterns matched"),
        ("a missing line", [hello, "--expect", greeting, "--expect", "^Goodbye"], 2,
         r"scenario failed: no console line matched /\^Goodbye/"),
        ("a forbidden line", [hello, "--forbid", "EL2"], 2,
         r'scenario failed: forbidden /EL2/ matched "Hello from EL2 on linux,dummy-virt"'),
        ("stop-on ends a run early", [probe, "--stop-on", "^entry", "--expect", "."], 0,
         r"a console line matched --stop-on"),
        ("a timeout fails", [bench, "--timeout", "20us", "--expect", "checksum"], 2,
         r"scenario failed: no console line matched /checksum/"),
        ("a timeout without checks", [bench, "--timeout", "20us"], 3,
         r"simulated-time limit"),
    ]
    for name, argv, want_rc, pattern in cases:
        rc, out, err = run([args.armsim, "--kernel"] + argv)
        if rc != want_rc:
            fail(f"{name}: exit {rc}, expected {want_rc}:\n{err}")
        if not re.search(pattern, err):
            fail(f"{name}: stderr does not match {pattern!r}:\n{err}")
        if "--stop-on" in argv and len(out.splitlines()) != 1:
            fail(f"{name}: the run went on after the stop-on line:\n{out}")
        print(f"ok: {name}: exit {rc}")


def race_run(args, extra, image=None):
    rc, out, err = run([args.armsim, "--kernel", image or os.path.join(args.images, "race4.elf"),
                        "--smp", "4", "--max-insns", "5000000"] + extra)
    m = DIGEST_RE.search(err)
    if rc != 0 or "race4: done" not in out or not m:
        fail(f"race4 {' '.join(extra)}: exit {rc}\n{out}{err}")
    return out, m.group(1)


def cmd_race(args):
    """The racy 4-core workload: one seed repeats exactly; other seeds interleave differently
    (visible in what the workload prints), and every run completes."""
    for mode in (["--interleave", "fine"], ["--interleave", "quantum"]):
        out1, d1 = race_run(args, mode + ["--seed", "11"])
        out2, d2 = race_run(args, mode + ["--seed", "11"])
        if (out1, d1) != (out2, d2):
            fail(f"{mode}: seed 11 twice gave different runs:\n{out1}{d1}\n{out2}{d2}")
        outputs = {out1}
        digests = {d1}
        for seed in (1, 2, 3, 4, 5):
            out, d = race_run(args, mode + ["--seed", str(seed)])
            outputs.add(out)
            digests.add(d)
        if len(outputs) < 3 or len(digests) < 6:
            fail(f"{mode}: 6 seeds gave only {len(outputs)} different outputs and "
                 f"{len(digests)} different digests")
        print(f"ok: {' '.join(mode)}: seed 11 repeats (digest {d1}); 6 seeds gave "
              f"{len(outputs)} different outputs, {len(digests)} digests, all complete")


def cmd_record_replay(args):
    import shutil
    with tempfile.TemporaryDirectory() as d:
        image = os.path.join(d, "race4.elf")
        shutil.copy(os.path.join(args.images, "race4.elf"), image)
        rec = os.path.join(d, "run.rec")
        out, digest = race_run(args, ["--interleave", "fine", "--seed", "42", "--record", rec],
                               image)
        with open(rec) as f:
            text = f.read()
        for needle in ["seed = \"42\"", "interleave = \"fine\"", f"image-hash = ",
                       f"expect-digest = {digest}"]:
            if needle not in text:
                fail(f"record lacks {needle!r}:\n{text}")
        # Replay: same output and digest, from another directory.
        p = subprocess.run([args.armsim, "--replay", rec], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, cwd="/", timeout=60)
        err = p.stderr.decode()
        m = DIGEST_RE.search(err)
        if p.returncode != 0 or p.stdout.decode() != out or not m or m.group(1) != digest:
            fail(f"replay differs (exit {p.returncode}):\n{p.stdout.decode()}{err}")
        print(f"ok: replay repeats the recorded run (digest {digest})")
        # Observation does not change the run.
        trace = os.path.join(d, "t.json")
        rc, _, err = run([args.armsim, "--replay", rec, "--trace", trace, "--vcd",
                          os.path.join(d, "t.vcd")])
        if rc != 0:
            fail(f"replay with tracing on diverged:\n{err}")
        print("ok: replay with --trace and --vcd has the same digest")
        # A different seed on top of the record: the digest check catches the divergence.
        rc, _, err = run([args.armsim, "--replay", rec, "--seed", "43"])
        if rc != 2 or "replay diverged" not in err:
            fail(f"a changed seed was not caught (exit {rc}):\n{err}")
        print("ok: a replay that diverges fails with exit 2")
        # A changed image is refused before anything runs.
        with open(image, "ab") as f:
            f.write(b"\0")
        rc, out, err = run([args.armsim, "--replay", rec])
        lines = err.strip().splitlines()
        if rc != 1 or out or len(lines) != 1 or not re.match(
                r"armsim: error: replay: '.*race4.elf' changed since the run was recorded", lines[0]):
            fail(f"changed image not refused properly (exit {rc}):\n{err}")
        print(f"ok: changed image refused: {lines[0]}")


# Boot-protocol cases: the same files on QEMU (through tools/run-on-qemu, which asks armsim for
# the equivalent command line) and on armsim must print the same thing.
def boot_cases(images, d):
    def blob(name, size, seed):
        path = os.path.join(d, name)
        with open(path, "wb") as f:
            f.write(bytes((i * 7 + seed) & 0xff for i in range(size)))
        return path
    dom0 = blob("dom0.bin", 3000, 1)
    ramdisk = blob("ramdisk.cpio", 70000, 2)
    domu = blob("domu.bin", 1234, 3)
    elf = os.path.join(images, "boot_info.elf")
    image = os.path.join(images, "boot_info.bin")
    raw = os.path.join(images, "boot_info_raw.bin")
    return [
        ("ELF + dom0 kernel and ramdisk modules (guest-loader)",
         ["--kernel", elf, "--module", f"{dom0},bootargs=console=hvc0 root=/dev/ram0,,rw",
          "--module", ramdisk]),
        ("Linux Image + initrd + append, 2 cores, 256M",
         ["--kernel", image, "--initrd", ramdisk, "--append", "console=ttyAMA0 earlycon",
          "--smp", "2", "--mem", "256M"]),
        ("Image + initrd + a module, 1G",
         ["--kernel", image, "--initrd", ramdisk, "--mem", "1G",
          "--module", f"{dom0},compatible=kernel"]),
        ("raw binary at RAM + 0x80000",
         ["--kernel", f"{raw},format=raw", "--append", "raw boot"]),
        ("hypervisor command line and a dom0less domain (armsim's DTB on QEMU)",
         ["--kernel", elf, "--hyp-append", "console=dtuart dom0_mem=128M",
          "--append", "dom0 args", "--module", dom0, "--domain", "domU1,memory=64M,cpus=2",
          "--module", f"{domu},domain=domU1,bootargs=console=hvc0",
          "--module", f"{ramdisk},domain=domU1,addr=0x50000000"]),
    ]


def cmd_boot_protocol(args):
    tool = os.path.join(args.repo, "tools", "run-on-qemu")
    with tempfile.TemporaryDirectory() as d:
        for name, argv in boot_cases(args.images, d):
            rc, out, err = run([args.armsim] + argv)
            if rc != 0:
                fail(f"{name}: armsim exited {rc}:\n{err}")
            qrc, qout, qerr = run([sys.executable, tool, "--armsim", args.armsim, "--qemu",
                                   args.qemu] + argv, timeout=120)
            if qrc != 0:
                fail(f"{name}: run-on-qemu exited {qrc}:\n{qerr}")
            if "--kernel" in argv and argv[argv.index("--kernel") + 1].endswith(".elf"):
                # The one documented difference: QEMU enters ELF images with x0 = 0,
                # armsim with x0 = the DTB address.
                if "x0=dtb " not in out or "x0=0 " not in qout:
                    fail(f"{name}: x0 lines unexpected:\n{out}\n{qout}")
                qout = qout.replace("x0=0 ", "x0=dtb ", 1)
            if out != qout:
                fail(f"{name}: outputs differ\n--- qemu\n{qout}--- armsim\n{out}")
            if "module" in " ".join(argv) and "module 0x" not in out:
                fail(f"{name}: no module reported:\n{out}")
            print(f"ok: {name}: {len(out.splitlines())} identical lines")


def cmd_same_on_qemu(args):
    """armsim and QEMU (through tools/run-on-qemu) print the same for the same options."""
    argv = ["--kernel", os.path.join(args.images, args.image + ".elf")] + args.rest
    rc, out, err = run([args.armsim] + argv)
    if rc != 0:
        fail(f"armsim exited {rc}:\n{err}")
    qrc, qout, qerr = run([sys.executable, os.path.join(args.repo, "tools", "run-on-qemu"),
                           "--armsim", args.armsim, "--qemu", args.qemu] + argv, timeout=120)
    if qrc != 0:
        fail(f"run-on-qemu exited {qrc}:\n{qerr}")
    if out != qout:
        fail(f"outputs differ\n--- qemu\n{qout}--- armsim\n{out}")
    print(f"ok: {' '.join(argv)}: the same {len(out.splitlines())} lines on QEMU and armsim")


def cmd_serial(args):
    """Console input through --serial-in, the PL011 receive interrupt and the GIC: the same
    echo on QEMU and armsim (holding-register mode), and with FIFOs and the receive timeout
    on armsim."""
    lines = ["hello world", "second line, a bit longer than sixteen characters", "x" * 40, "quit"]
    want = (["serial echo: ready (holding register)"] +
            [f"echo {i + 1}: {l.upper()}" for i, l in enumerate(lines)] +
            [f"serial echo: {len(lines)} lines, bye (MIS 0)"])
    image = os.path.join(args.images, "serial_echo.elf")
    with tempfile.TemporaryDirectory() as d:
        inp = os.path.join(d, "input.txt")
        with open(inp, "w") as f:
            f.write("\n".join(lines) + "\n")
        argv = ["--kernel", image, "--serial-in", inp]
        rc, out, err = run([args.armsim] + argv)
        if rc != 0 or out.splitlines() != want:
            fail(f"armsim (exit {rc}):\n{out}{err}")
        qrc, qout, qerr = run([sys.executable, os.path.join(args.repo, "tools", "run-on-qemu"),
                               "--armsim", args.armsim, "--qemu", args.qemu] + argv, timeout=120)
        if qrc != 0 or qout != out:
            fail(f"QEMU (exit {qrc}) printed something else:\n{qout}{qerr}")
        print(f"ok: {len(lines)} lines echoed the same on QEMU and armsim")
        rc, out2, err2 = run([args.armsim, "--append", "fifo"] + argv)
        want[0] = "serial echo: ready (FIFO)"
        if rc != 0 or out2.splitlines() != want:
            fail(f"FIFO mode (exit {rc}):\n{out2}{err2}")
        # 10-bit frames at 115200 baud: the run lasts at least as long as the input.
        chars = sum(len(l) + 1 for l in lines)
        ps = int(re.search(r"time=(\d+)ps", err2).group(1))
        if ps < chars * 86_770_000:
            fail(f"{chars} characters took only {ps} ps")
        print(f"ok: FIFO mode with the receive timeout: {chars} characters in {ps / 1e9:.2f} ms")


def cmd_run_on_qemu_checks(args):
    """tools/run-on-qemu decides like armsim: expectations, forbidden lines, stop-on, bad
    options; --show prints the translated command line."""
    tool = [sys.executable, os.path.join(args.repo, "tools", "run-on-qemu"), "--armsim",
            args.armsim, "--qemu", args.qemu]
    hello = os.path.join(args.images, "hello.elf")
    probe = os.path.join(args.images, "boot_info.elf")
    cases = [
        ("expectations met", [hello, "--expect", "^Hello from EL2"], 0, r"scenario passed"),
        ("a missing line", [hello, "--expect", "^Goodbye"], 2,
         r"scenario failed: no console line matched /\^Goodbye/"),
        ("a forbidden line", [hello, "--forbid", "EL2"], 2, r"scenario failed: forbidden /EL2/"),
        ("stop-on", [probe, "--stop-on", "^entry", "--expect", "^entry"], 0, r"scenario passed"),
        ("a bad armsim option", [hello, "--smp", "99"], 1, r"armsim: error: --smp"),
    ]
    for name, argv, want, pattern in cases:
        rc, out, err = run(tool + ["--kernel"] + argv, timeout=120)
        if rc != want or not re.search(pattern, err):
            fail(f"{name}: exit {rc} (wanted {want}):\n{out}{err}")
        print(f"ok: {name}: exit {rc}")
    rc, out, err = run(tool + ["--show", "--kernel", hello, "--module",
                               f"{hello},bootargs=a,,b", "--smp", "3", "--mem", "1G"])
    want = ("-smp 3 -m 1024M -kernel " + hello + " -device guest-loader,addr=0x40400000,kernel="
            + hello + ",bootargs=a,,b")
    if rc != 0 or want not in out:
        fail(f"--show printed:\n{out}{err}\nwanted to see: {want}")
    print("ok: --show translates modules into guest-loader devices")


def cmd_trace(args):
    """--trace writes a loadable Chrome trace with per-core PSCI calls and console lines;
    --vcd a VCD; neither changes the run."""
    import json
    with tempfile.TemporaryDirectory() as d:
        base = [args.armsim, "--kernel", os.path.join(args.images, "reset.elf"), "--smp", "2"]
        rc, out0, err0 = run(base)
        t, v = os.path.join(d, "t.json"), os.path.join(d, "t.vcd")
        rc, out, err = run(base + ["--trace", t, "--vcd", v])
        if rc != 0 or out != out0 or DIGEST_RE.search(err).group(1) != DIGEST_RE.search(err0).group(1):
            fail(f"tracing changed the run:\n{err0}\n{err}")
        with open(t) as f:
            events = json.load(f)["traceEvents"]
        names = {e["args"]["name"] for e in events if e.get("name") == "thread_name"}
        for track in ("core0", "uart0", "board"):
            if track not in names:
                fail(f"no {track} track in the trace: {sorted(names)}")
        inst = [e for e in events if e["ph"] == "i"]
        psci = [e["name"] for e in inst if e.get("cat") == "psci"]
        if psci.count("CPU_ON") != 2 or psci.count("SYSTEM_RESET") != 2 or "system reset" not in psci \
                or "SYSTEM_OFF" not in psci or "AFFINITY_INFO" not in psci:
            fail(f"PSCI events: {psci}")
        lines = [e["name"] for e in inst if e.get("cat") == "console"]
        if lines != out.splitlines():
            fail(f"console events {lines} != output {out.splitlines()}")
        if any(not isinstance(e.get("ts"), (int, float)) for e in inst):
            fail("an event without a numeric timestamp")
        with open(v) as f:
            vcd = f.read()
        if "$enddefinitions $end" not in vcd or "$timescale 1ps $end" not in vcd:
            fail(f"not a VCD:\n{vcd[:300]}")
        print(f"ok: {len(events)} trace events (PSCI {len(psci)}, console {len(lines)}), "
              f"VCD written, digest unchanged")


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
    p.add_argument("--max-total-insns", type=int, default=0)
    p.add_argument("--min-time-ps", type=int, default=0)
    p.add_argument("--cpu-timing", default="")
    p = sub.add_parser("compare-qemu")
    p.add_argument("image")
    p.add_argument("--smp", type=int, default=1)
    p.add_argument("--armsim-arg", action="append", default=[],
                   help="an extra armsim option, e.g. --armsim-arg=--seed=3 (repeatable)")
    p = sub.add_parser("determinism")
    p.add_argument("image")
    p = sub.add_parser("dtc")
    p.add_argument("--dtc", default="dtc")
    sub.add_parser("bad-input")
    sub.add_parser("scenario-checks")
    sub.add_parser("boot-protocol")
    sub.add_parser("race")
    sub.add_parser("record-replay")
    sub.add_parser("trace")
    sub.add_parser("serial")
    sub.add_parser("run-on-qemu-checks")
    p = sub.add_parser("same-on-qemu")
    p.add_argument("image")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p = sub.add_parser("scenario")
    p.add_argument("name")
    p.add_argument("--on-qemu", action="store_true")
    p.add_argument("--armsim-arg", action="append", default=[],
                   help="an extra armsim option, e.g. --armsim-arg=--seed=3 (repeatable)")
    args = ap.parse_args()
    args.repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    {"expect": cmd_expect, "compare-qemu": cmd_compare_qemu, "determinism": cmd_determinism,
     "dtc": cmd_dtc, "bad-input": cmd_bad_input, "scenario-checks": cmd_scenario_checks,
     "boot-protocol": cmd_boot_protocol, "scenario": cmd_scenario, "race": cmd_race,
     "record-replay": cmd_record_replay, "trace": cmd_trace, "serial": cmd_serial, "run-on-qemu-checks": cmd_run_on_qemu_checks, "same-on-qemu": cmd_same_on_qemu}[args.cmd](args)


if __name__ == "__main__":
    main()
