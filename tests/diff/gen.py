#!/usr/bin/env python3
"""Random A64 instruction blocks for the differential test against QEMU (README.md).

Writes one assembly file: `blocks` blocks of about `insns` random instructions each, plus
their initial register values, for the harness in harness/ to run at EL2 (mode el2), EL1
under stage 2 (el1) or EL0 (el0). Everything comes from
random.Random(seed), so a seed names a test exactly.

The instructions are random but well defined: no CONSTRAINED UNPREDICTABLE encodings
(writeback onto the transfer register, LDP Rt == Rt2, STXR status overlapping, ...), loads
and stores only inside the harness's arena (the generator computes every effective address
and emits the base/index set-up itself), branches only forward within the block, exclusive
pairs on the same address and size. Faults are deliberate: misaligned exclusives and
acquire/release, accesses to the guard page, UNDEFINED encodings, SVC/BRK/HVC; the harness
prints their syndromes and skips them.

`--coverage a64.inc` checks that every entry of the encoding table is generated here or
listed in NOT_RANDOM with the reason and the test that covers it instead.
"""
import argparse
import random
import re
import sys

ARENA_PAGES = 16           # mapped arena pages (harness.cpp kArenaPages)
PAGE = 4096
ARENA = ARENA_PAGES * PAGE
GUARD = ARENA              # the unmapped page right after the arena
POOL_QUADS = 8
POOL_REGS = [r for r in range(31) if r != 28]   # x28 holds the arena base
CONDS = ["eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc",
         "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"]
M64 = (1 << 64) - 1

# a64.inc entries deliberately not generated, with where they are tested instead.
NOT_RANDOM = {
    "ERET": "exception return: tests/system cpu_exceptions",
    "SMC": "goes to the PSCI service: tests/system cpu_exceptions",
    "WFI": "sleeps: tests/system cpu_exceptions (traps), tests/unit (wake-up)",
    "FP_SIMD": "FP/SIMD traps: tests/system cpu_exceptions (QEMU implements FP, we do not)",
}


def sx(v, bits):
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def decode_bit_masks(n, imms, immr, size):
    """DecodeBitMasks(immN, imms, immr, TRUE) -> wmask, or None when reserved."""
    combined = (n << 6) | (~imms & 0x3f)
    if combined == 0:
        return None
    length = combined.bit_length() - 1
    if length < 1 or (size == 32 and length > 5):
        return None
    levels = (1 << length) - 1
    if (imms & levels) == levels:
        return None
    s, r, esize = imms & levels, immr & levels, 1 << length
    welem = (1 << (s + 1)) - 1
    if r:
        welem = ((welem >> r) | (welem << (esize - r))) & ((1 << esize) - 1)
    m = 0
    for i in range(0, size, esize):
        m |= welem << i
    return m


def reg(r, sf=True, sp=False):
    if r == 31:
        return ("sp" if sf else "wsp") if sp else ("xzr" if sf else "wzr")
    return ("x" if sf else "w") + str(r)


class Group:
    """Instructions that must stay together (set-up + subject); a label may precede it."""

    def __init__(self, lines, count, names, branch=None):
        self.lines = lines
        self.count = count      # random (subject) instructions in the group
        self.names = names      # a64.inc entries it exercises
        self.branch = branch    # for branch groups: a function(target_label) -> lines


class Gen:
    def __init__(self, rng, mode):
        self.r = rng
        self.mode = mode
        self.covered = set()

    # --- random pieces -------------------------------------------------------------------
    def pick(self, seq):
        return self.r.choice(seq)

    def chance(self, p):
        return self.r.random() < p

    def rd(self, avoid=(), allow31=True):
        while True:
            r = 31 if allow31 and self.chance(0.06) else self.pick(POOL_REGS)
            if r not in avoid:
                return r

    def rs(self):
        return 31 if self.chance(0.06) else self.pick(POOL_REGS)

    def value(self, bits=64):
        c = self.r.random()
        if c < 0.25:
            v = self.pick([0, 1, 2, M64, M64 - 1, 1 << 63, (1 << 63) - 1, 1 << 31, (1 << 31) - 1,
                           0xffffffff, 1 << 32, 0xffffffff00000000, 0x80000000ffffffff])
        elif c < 0.4:
            v = self.r.randrange(0, 130)
        elif c < 0.5:
            v = (-self.r.randrange(1, 130)) & M64
        elif c < 0.6:
            v = 1 << self.r.randrange(64)
        elif c < 0.7:
            v = self.r.getrandbits(32)
        else:
            v = self.r.getrandbits(64)
        return v & ((1 << bits) - 1)

    def movconst(self, r, v):
        """mov of a 64-bit constant: movz + movk (set-up, not counted)."""
        out = [f"movz {reg(r)}, #{v & 0xffff}"]
        for sh in (16, 32, 48):
            part = (v >> sh) & 0xffff
            if part:
                out.append(f"movk {reg(r)}, #{part}, lsl #{sh}")
        return out

    def set_base(self, r, off):
        """Rn|SP := arena base + off (off may be negative); set-up, not counted."""
        name = reg(r, sp=True)
        op = "add" if off >= 0 else "sub"
        a = abs(off)
        assert a < (1 << 24)
        out = [f"{op} {name}, x28, #{a & 0xfff}"]
        if a >> 12:
            out.append(f"{op} {name}, {name}, #{a >> 12}, lsl #12")
        return out

    def addr(self, size, span=None):
        """An arena offset for an access of `size` bytes (span: bytes touched)."""
        span = span or size
        c = self.r.random()
        if c < 0.12:   # across a page boundary
            page = self.r.randrange(1, ARENA_PAGES)
            return page * PAGE - self.r.randrange(1, span) if span > 1 else page * PAGE
        off = self.r.randrange(0, ARENA - span + 1)
        if c < 0.75:
            off -= off % size
        return off

    # --- data processing: immediate ----------------------------------------------------
    def g_addsub_imm(self, avoid):
        name = self.pick(["ADD_imm", "ADDS_imm", "SUB_imm", "SUBS_imm"])
        sf = self.chance(0.7)
        flags = name.startswith(("ADDS", "SUBS"))
        d = self.rd(avoid)
        n = self.rs()
        imm = self.r.randrange(4096)
        sh = ", lsl #12" if self.chance(0.3) else ""
        mn = name.split("_")[0].lower()
        return [f"{mn} {reg(d, sf, sp=not flags)}, {reg(n, sf, sp=True)}, #{imm}{sh}"], [name]

    def g_logical_imm(self, avoid):
        name = self.pick(["AND_imm", "ORR_imm", "EOR_imm", "ANDS_imm"])
        sf = self.chance(0.7)
        size = 64 if sf else 32
        while True:
            nbit = self.r.randrange(2) if sf else 0
            imms, immr = self.r.randrange(64), self.r.randrange(64)
            if not sf:
                imms &= 0x1f | (self.r.randrange(2) << 5)
            m = decode_bit_masks(nbit, imms, immr if sf else immr & 0x1f, size)
            if m is not None:
                break
        d = self.rd(avoid)
        n = self.rd()
        mn = name.split("_")[0].lower()
        return [f"{mn} {reg(d, sf, sp=name != 'ANDS_imm')}, {reg(n, sf)}, #{m:#x}"], [name]

    def g_movewide(self, avoid):
        name = self.pick(["MOVN", "MOVZ", "MOVK"])
        sf = self.chance(0.7)
        hw = self.r.randrange(4 if sf else 2)
        d = self.rd(avoid)
        return [f"{name.lower()} {reg(d, sf)}, #{self.r.randrange(65536)}, lsl #{hw * 16}"], [name]

    def g_bitfield(self, avoid):
        name = self.pick(["SBFM", "BFM", "UBFM"])
        sf = self.chance(0.6)
        w = 64 if sf else 32
        d, n = self.rd(avoid), self.rd()
        return [f"{name.lower()} {reg(d, sf)}, {reg(n, sf)}, #{self.r.randrange(w)}, "
                f"#{self.r.randrange(w)}"], [name]

    def g_extr(self, avoid):
        sf = self.chance(0.6)
        d, n, m = self.rd(avoid), self.rd(), self.rd()
        return [f"extr {reg(d, sf)}, {reg(n, sf)}, {reg(m, sf)}, "
                f"#{self.r.randrange(64 if sf else 32)}"], ["EXTR"]

    def g_adr(self, avoid):
        d = self.rd(avoid, allow31=False)
        if self.chance(0.5):
            return [f"adr {reg(d)}, . + {self.r.randrange(-4096, 4096)}"], ["ADR"]
        return [f"adrp {reg(d)}, . + {self.r.randrange(-64, 64) * 4096}"], ["ADRP"]

    # --- data processing: register ------------------------------------------------------
    def g_logical_sreg(self, avoid):
        name = self.pick(["AND_sreg", "BIC_sreg", "ORR_sreg", "ORN_sreg", "EOR_sreg",
                          "EON_sreg", "ANDS_sreg", "BICS_sreg"])
        sf = self.chance(0.7)
        d, n, m = self.rd(avoid), self.rd(), self.rd()
        sh = self.pick(["lsl", "lsr", "asr", "ror"])
        amt = self.r.randrange(64 if sf else 32)
        mn = name.split("_")[0].lower()
        return [f"{mn} {reg(d, sf)}, {reg(n, sf)}, {reg(m, sf)}, {sh} #{amt}"], [name]

    def g_addsub_sreg(self, avoid):
        name = self.pick(["ADD_sreg", "ADDS_sreg", "SUB_sreg", "SUBS_sreg"])
        sf = self.chance(0.7)
        d, n, m = self.rd(avoid), self.rd(), self.rd()
        sh = self.pick(["lsl", "lsr", "asr"])
        amt = self.r.randrange(64 if sf else 32)
        mn = name.split("_")[0].lower()
        return [f"{mn} {reg(d, sf)}, {reg(n, sf)}, {reg(m, sf)}, {sh} #{amt}"], [name]

    def g_addsub_ereg(self, avoid):
        name = self.pick(["ADD_ereg", "ADDS_ereg", "SUB_ereg", "SUBS_ereg"])
        sf = self.chance(0.7)
        flags = name.startswith(("ADDS", "SUBS"))
        d, n, m = self.rd(avoid), self.rs(), self.rd()
        ext = self.r.randrange(8)
        ext_name = ["uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx"][ext]
        mreg = reg(m, sf and (ext & 3) == 3)
        amt = self.r.randrange(5)
        mn = name.split("_")[0].lower()
        return [f"{mn} {reg(d, sf, sp=not flags)}, {reg(n, sf, sp=True)}, {mreg}, "
                f"{ext_name} #{amt}"], [name]

    def g_carry(self, avoid):
        name = self.pick(["ADC", "ADCS", "SBC", "SBCS"])
        sf = self.chance(0.7)
        d, n, m = self.rd(avoid), self.rd(), self.rd()
        return [f"{name.lower()} {reg(d, sf)}, {reg(n, sf)}, {reg(m, sf)}"], [name]

    def g_ccmp(self, avoid):
        name = self.pick(["CCMN_reg", "CCMP_reg", "CCMN_imm", "CCMP_imm"])
        sf = self.chance(0.7)
        n = self.rd()
        op2 = f"#{self.r.randrange(32)}" if name.endswith("imm") else reg(self.rd(), sf)
        mn = name.split("_")[0].lower()
        return [f"{mn} {reg(n, sf)}, {op2}, #{self.r.randrange(16)}, {self.pick(CONDS)}"], [name]

    def g_csel(self, avoid):
        name = self.pick(["CSEL", "CSINC", "CSINV", "CSNEG"])
        sf = self.chance(0.7)
        d, n, m = self.rd(avoid), self.rd(), self.rd()
        return [f"{name.lower()} {reg(d, sf)}, {reg(n, sf)}, {reg(m, sf)}, "
                f"{self.pick(CONDS)}"], [name]

    def g_mul(self, avoid):
        name = self.pick(["MADD", "MSUB", "SMADDL", "SMSUBL", "UMADDL", "UMSUBL",
                          "SMULH", "UMULH"])
        d, n, m, a = self.rd(avoid), self.rd(), self.rd(), self.rd()
        if name in ("MADD", "MSUB"):
            sf = self.chance(0.7)
            return [f"{name.lower()} {reg(d, sf)}, {reg(n, sf)}, {reg(m, sf)}, "
                    f"{reg(a, sf)}"], [name]
        if name.endswith("MULH"):
            return [f"{name.lower()} {reg(d)}, {reg(n)}, {reg(m)}"], [name]
        return [f"{name.lower()} {reg(d)}, {reg(n, False)}, {reg(m, False)}, {reg(a)}"], [name]

    def g_dp2(self, avoid):
        name = self.pick(["UDIV", "SDIV", "LSLV", "LSRV", "ASRV", "RORV"])
        sf = self.chance(0.7)
        d, n, m = self.rd(avoid), self.rd(), self.rd()
        return [f"{name.lower()} {reg(d, sf)}, {reg(n, sf)}, {reg(m, sf)}"], [name]

    def g_crc(self, avoid):
        name = self.pick(["CRC32B", "CRC32H", "CRC32W", "CRC32X",
                          "CRC32CB", "CRC32CH", "CRC32CW", "CRC32CX"])
        d, n, m = self.rd(avoid), self.rd(), self.rd()
        return [f"{name.lower()} {reg(d, False)}, {reg(n, False)}, "
                f"{reg(m, name.endswith('X'))}"], [name]

    def g_dp1(self, avoid):
        name = self.pick(["RBIT", "REV16", "REV32", "REV64", "CLZ", "CLS"])
        sf = True if name == "REV64" else self.chance(0.6)
        d, n = self.rd(avoid), self.rd()
        mn = {"REV64": "rev", "REV32": "rev32" if sf else "rev"}.get(name, name.lower())
        return [f"{mn} {reg(d, sf)}, {reg(n, sf)}"], [name]

    ALU = ["g_addsub_imm", "g_logical_imm", "g_movewide", "g_bitfield", "g_extr", "g_adr",
           "g_logical_sreg", "g_addsub_sreg", "g_addsub_ereg", "g_carry", "g_ccmp",
           "g_csel", "g_mul", "g_dp2", "g_crc", "g_dp1"]

    def alu(self, avoid=()):
        lines, names = getattr(self, self.pick(self.ALU))(set(avoid) | {28})
        if self.chance(0.25):
            # Put an edge value (0, -1, INT_MIN, ...) into one source operand first.
            ops = [o.strip() for o in lines[-1].split(" ", 1)[1].split(",")]
            srcs = [int(o[1:]) for o in ops[1:] if re.fullmatch(r"[xw]\d+", o)]
            srcs = [r for r in srcs if r not in avoid and r != 28]
            if srcs:
                lines = self.movconst(self.pick(srcs), self.value()) + lines
        return lines, names

    # --- loads and stores -----------------------------------------------------------------
    LDST = {  # name: (size, is_load, sign) ; sign: None, 'x' (to 64), 'w' (to 32)
        "STRB": (1, False, None), "LDRB": (1, True, None), "LDRSBx": (1, True, "x"),
        "LDRSBw": (1, True, "w"), "STRH": (2, False, None), "LDRH": (2, True, None),
        "LDRSHx": (2, True, "x"), "LDRSHw": (2, True, "w"), "STRw": (4, False, None),
        "LDRw": (4, True, None), "LDRSW": (4, True, "x"), "STRx": (8, False, None),
        "LDRx": (8, True, None),
    }

    def ldst_mnemonic(self, name, form):
        size, load, sign = self.LDST[name]
        base = {"STRB": "strb", "LDRB": "ldrb", "LDRSBx": "ldrsb", "LDRSBw": "ldrsb",
                "STRH": "strh", "LDRH": "ldrh", "LDRSHx": "ldrsh", "LDRSHw": "ldrsh",
                "STRw": "str", "LDRw": "ldr", "LDRSW": "ldrsw", "STRx": "str",
                "LDRx": "ldr"}[name]
        if form == "unscaled":
            base = base.replace("str", "stur").replace("ldr", "ldur")
        elif form == "unpriv":
            base = base.replace("str", "sttr").replace("ldr", "ldtr")
        treg_sf = sign == "x" or (sign is None and size == 8)
        return base, treg_sf

    def g_ldst(self):
        name = self.pick(list(self.LDST))
        size, load, sign = self.LDST[name]
        form = self.pick(["uimm", "unscaled", "post", "pre", "reg", "unpriv", "uimm", "reg"])
        mn, tsf = self.ldst_mnemonic(name, form)
        off = self.addr(size)
        if self.chance(0.02):    # a deliberate translation fault in the guard page
            off = GUARD + self.r.randrange(0, PAGE - size + 1)
            form = self.pick(["uimm", "unscaled", "pre", "post"])
            mn, tsf = self.ldst_mnemonic(name, form)
        t = self.rd()
        n = 31 if self.chance(0.2) else self.pick(POOL_REGS)
        wb = form in ("post", "pre")
        if wb and n != 31:
            while t == n:
                t = self.rd()
        lines = []
        if form == "uimm":
            imm = self.r.randrange(0, min(4095, max(off, 0) // size) + 1)
            lines += self.set_base(n, off - imm * size)
            operand = f"[{reg(n, sp=True)}, #{imm * size}]"
        elif form in ("unscaled", "unpriv", "pre"):
            imm = self.r.randrange(-256, 256)
            lines += self.set_base(n, off - imm)
            operand = f"[{reg(n, sp=True)}, #{imm}]" + ("!" if form == "pre" else "")
        elif form == "post":
            imm = self.r.randrange(-256, 256)
            lines += self.set_base(n, off)
            operand = f"[{reg(n, sp=True)}], #{imm}"
        else:  # register offset
            option = self.pick([2, 3, 6, 7])
            s = self.r.randrange(2)
            shift = size.bit_length() - 1 if s else 0
            m = self.pick([r for r in POOL_REGS if r != n] + [31])
            if m == 31:
                k = 0
            elif option == 2:
                k = self.r.randrange(0, (off >> shift) + 1)
            else:
                k = self.r.randrange(-((ARENA - off) >> shift), (off >> shift) + 1)
            base = off - (k << shift)
            lines += self.set_base(n, base)
            if m != 31:
                upper = self.r.getrandbits(32) << 32
                xm = (upper | (k & 0xffffffff)) if option in (2, 6) else (k & M64)
                lines += self.movconst(m, xm)
            ext = {2: "uxtw", 3: "lsl", 6: "sxtw", 7: "sxtx"}[option]
            mname = reg(m, option in (3, 7))
            amount = f" #{shift}" if s else (" #0" if ext != "lsl" and self.chance(0.5) else "")
            if ext == "lsl" and not s:
                operand = f"[{reg(n, sp=True)}, {mname}]"
            else:
                operand = f"[{reg(n, sp=True)}, {mname}, {ext}{amount}]"
        lines.append(f"{mn} {reg(t, tsf)}, {operand}")
        table = {"uimm": "_uimm", "unscaled": "_unscaled", "post": "_post", "pre": "_pre",
                 "reg": "_reg"}
        if form == "unpriv":
            entry = {"STRB": "STTRB", "LDRB": "LDTRB", "LDRSBx": "LDTRSBx",
                     "LDRSBw": "LDTRSBw", "STRH": "STTRH", "LDRH": "LDTRH",
                     "LDRSHx": "LDTRSHx", "LDRSHw": "LDTRSHw", "STRw": "STTRw",
                     "LDRw": "LDTRw", "LDRSW": "LDTRSW", "STRx": "STTRx", "LDRx": "LDTRx"}[name]
        else:
            entry = name + table[form]
        return lines, [entry]

    def g_prfm(self):
        form = self.pick(["uimm", "unscaled", "reg", "lit"])
        op = f"#{self.r.randrange(32)}"
        n = self.pick(POOL_REGS)
        if form == "lit":
            return [f"prfm {op}, . + {self.r.randrange(-64, 64) * 4}"], ["PRFM_lit"]
        off = self.addr(8)
        if form == "uimm":
            return self.set_base(n, off) + [f"prfm {op}, [{reg(n)}, #8]"], ["PRFM_uimm"]
        if form == "unscaled":
            return self.set_base(n, off) + [f"prfm {op}, [{reg(n)}, #-3]"], ["PRFM_unscaled"]
        m = self.pick([r for r in POOL_REGS if r != n])
        return (self.set_base(n, off) + self.movconst(m, self.r.randrange(64)) +
                [f"prfm {op}, [{reg(n)}, {reg(m)}, lsl #3]"], ["PRFM_reg"])

    def g_literal(self, pool):
        name = self.pick(["LDRw_lit", "LDRx_lit", "LDRSW_lit"])
        t = self.rd()
        k = self.r.randrange(POOL_QUADS * 2 - (1 if name == "LDRx_lit" else 0))
        mn = {"LDRw_lit": "ldr", "LDRx_lit": "ldr", "LDRSW_lit": "ldrsw"}[name]
        return [f"{mn} {reg(t, name != 'LDRw_lit')}, {pool} + {4 * k}"], [name]

    PAIRS = {  # name: (size, load, signed)
        "STPw": (4, False, False), "LDPw": (4, True, False), "LDPSW": (4, True, True),
        "STPx": (8, False, False), "LDPx": (8, True, False),
        "STNPw": (4, False, False), "LDNPw": (4, True, False),
        "STNPx": (8, False, False), "LDNPx": (8, True, False),
    }

    def g_pair(self):
        name = self.pick(list(self.PAIRS))
        size, load, signed = self.PAIRS[name]
        nontemporal = "NP" in name
        mode = "off" if nontemporal else self.pick(["off", "post", "pre"])
        off = self.addr(size, 2 * size)
        t, t2 = self.rd(), self.rd()
        while load and t2 == t:
            t2 = self.rd()
        n = 31 if self.chance(0.25) else self.pick(POOL_REGS)
        if mode != "off" and n != 31:
            while t == n or t2 == n or (load and t == t2):
                t, t2 = self.rd(), self.rd()
        imm = self.r.randrange(-64, 64)
        lines = self.set_base(n, off if mode == "post" else off - imm * size)
        mn = {"STPw": "stp", "LDPw": "ldp", "LDPSW": "ldpsw", "STPx": "stp", "LDPx": "ldp",
              "STNPw": "stnp", "LDNPw": "ldnp", "STNPx": "stnp", "LDNPx": "ldnp"}[name]
        rsf = size == 8 or signed
        nn = reg(n, sp=True)
        operand = {"off": f"[{nn}, #{imm * size}]", "pre": f"[{nn}, #{imm * size}]!",
                   "post": f"[{nn}], #{imm * size}"}[mode]
        lines.append(f"{mn} {reg(t, rsf)}, {reg(t2, rsf)}, {operand}")
        entry = name if nontemporal else f"{name}_{mode}"
        return lines, [entry]

    SZ = {0: ("b", 1), 1: ("h", 2), 2: ("", 4), 3: ("", 8)}

    def g_exclusive(self):
        """LDXR/LDAXR ... STXR/STLXR on the same address and size (succeeds), or with a
        CLREX in between (fails); pairs likewise."""
        n = 31 if self.chance(0.2) else self.pick(POOL_REGS)
        pair = self.chance(0.3)
        acq, rel = self.chance(0.5), self.chance(0.5)
        clear = self.chance(0.25)
        lines, names, count = [], [], 2
        if pair:
            sf = self.chance(0.5)
            size = 8 if sf else 4
            off = self.addr(2 * size)
            off -= off % (2 * size)
            lines += self.set_base(n, off)
            t, t2 = self.rd({n}), self.rd({n})
            while t2 == t:
                t2 = self.rd({n})
            lines.append(f"{'ldaxp' if acq else 'ldxp'} {reg(t, sf)}, {reg(t2, sf)}, "
                         f"[{reg(n, sp=True)}]")
            names.append("LDAXP" if acq else "LDXP")
        else:
            sz = self.r.randrange(4)
            suffix, size = self.SZ[sz]
            off = self.addr(size)
            off -= off % size
            lines += self.set_base(n, off)
            t = self.rd({n})
            lines.append(f"{'ldaxr' if acq else 'ldxr'}{suffix} {reg(t, sz == 3)}, "
                         f"[{reg(n, sp=True)}]")
            names.append("LDAXR" if acq else "LDXR")
        for _ in range(self.r.randrange(3)):
            alu_lines, alu_names = self.alu(avoid={n})
            lines += alu_lines
            names += alu_names
            count += 1
        if clear:
            lines.append(f"clrex #{self.r.randrange(16)}")
            names.append("CLREX")
            count += 1
        if pair:
            a, b = self.rd({n}), self.rd({n})
            s = self.rd({n, a, b}, allow31=False)
            lines.append(f"{'stlxp' if rel else 'stxp'} {reg(s, False)}, {reg(a, sf)}, "
                         f"{reg(b, sf)}, [{reg(n, sp=True)}]")
            names.append("STLXP" if rel else "STXP")
        else:
            a = self.rd({n})
            s = self.rd({n, a}, allow31=False)
            lines.append(f"{'stlxr' if rel else 'stxr'}{suffix} {reg(s, False)}, "
                         f"{reg(a, sz == 3)}, [{reg(n, sp=True)}]")
            names.append("STLXR" if rel else "STXR")
        return lines, names, count

    def g_acqrel(self):
        sz = self.r.randrange(4)
        suffix, size = self.SZ[sz]
        off = self.addr(size)
        if self.chance(0.85):
            off -= off % size   # otherwise an alignment fault
        n = 31 if self.chance(0.2) else self.pick(POOL_REGS)
        t = self.rd({n})
        store = self.chance(0.5)
        mn = ("stlr" if store else "ldar") + suffix
        return (self.set_base(n, off) + [f"{mn} {reg(t, sz == 3)}, [{reg(n, sp=True)}]"],
                ["STLR" if store else "LDAR"])

    def g_bad_exclusive(self):
        """A misaligned load-exclusive: an alignment fault (then CLREX, set-up only)."""
        sz = self.r.randrange(1, 4)
        suffix, size = self.SZ[sz]
        off = self.addr(size)
        if off % size == 0:
            off += 1
        n = self.pick(POOL_REGS)
        t = self.rd({n})
        return (self.set_base(n, off) + [f"ldxr{suffix} {reg(t, sz == 3)}, [{reg(n)}]",
                                         "clrex"], ["LDXR"])

    def g_cache(self):
        op = self.pick(["zva", "cvac", "cvau", "civac", "ivac", "ic"])
        n = self.pick(POOL_REGS)
        if op == "zva":
            off = self.r.randrange(ARENA)
            if self.chance(0.05):
                off = GUARD + self.r.randrange(PAGE)
        else:
            # QEMU implements DC C*/I* and IC IVAU by VA as NOPs that never fault (the ARM
            # ARM, D4.4.8, lets them take Translation and Permission faults): only pages
            # where they cannot fault (not the guard page, not the stage-2 read-only page).
            off = self.r.randrange(14 * PAGE)
        text = f"ic ivau, {reg(n)}" if op == "ic" else f"dc {op}, {reg(n)}"
        return self.set_base(n, off) + [text], ["SYS"]

    # --- system, hints, exceptions ----------------------------------------------------------
    def g_system(self):
        c = self.r.random()
        t = self.rd()
        if c < 0.15:
            return [f"mrs {reg(t)}, nzcv"], ["MRS"]
        if c < 0.3:
            return [f"msr nzcv, {reg(t)}"], ["MSR_reg"]
        if c < 0.4:
            return [f"msr tpidr_el0, {reg(t)}", f"mrs {reg(self.rd())}, tpidr_el0"], \
                ["MSR_reg", "MRS"]
        if c < 0.5:
            sysreg = self.pick(["ctr_el0", "dczid_el0", "midr_el1", "mpidr_el1", "currentel",
                                "daif", "spsel", "tpidr_el0", "revidr_el1"])
            return [f"mrs {reg(t)}, {sysreg}"], ["MRS"]
        if c < 0.6:
            # WFE only right after SEV/SEVL: the event register is set, so it does not
            # sleep (QEMU treats WFE as a yield and would not sleep either).
            hint = self.pick([["nop"], ["yield"], ["sevl", "wfe"], ["sev", "wfe"], ["sev"],
                              ["sevl"], [f"hint #{self.r.randrange(6, 128)}"]])
            names = [{"nop": "NOP", "yield": "YIELD", "sev": "SEV", "sevl": "SEVL",
                      "wfe": "WFE"}.get(h, "HINT") for h in hint]
            return hint, names
        if c < 0.8:
            b = self.pick(["dmb", "dsb", "isb", "clrex"])
            crm = self.r.randrange(16)
            if b == "isb":
                return ["isb" if crm == 15 else f"isb #{crm}"], ["ISB"]
            return [f"{b} #{crm}"], [b.upper()]
        if c < 0.84 and self.mode != 0:
            # Not at EL0: QEMU 7.2 swaps Op1 and Op2 in the syndrome of the UMA trap
            # (daif_check() in helper-a64.c); tests/unit checks it against the ARM ARM.
            op = self.pick(["daifset", "daifclr"])
            return [f"msr {op}, #{self.r.randrange(16)}"], ["MSR_imm"]
        if c < 0.88:
            # AT and PAR_EL1: success (PA and attributes) and faults (guard page, and in
            # mode el1 the EL1-only page for the EL0 forms).
            n = self.pick(POOL_REGS)
            off = self.r.randrange(ARENA) if self.chance(0.8) else GUARD + self.r.randrange(PAGE)
            # (At EL0 every AT is UNDEFINED.)
            ops = ["s1e2r", "s1e2w"] if self.mode == 2 else ["s1e1r", "s1e1w", "s1e0r", "s1e0w"]
            return self.set_base(n, off) + [f"at {self.pick(ops)}, {reg(n)}", "isb",
                                            f"mrs {reg(t)}, par_el1"], ["SYS", "MRS"]
        if c < 0.91:
            imm = self.r.randrange(65536)
            return [f"svc #{imm if imm != 0xd1ff else 0}"], ["SVC"]
        if c < 0.95:
            return [f"brk #{self.r.randrange(65536)}"], ["BRK"]
        imm = self.r.randrange(65536)
        if imm == 0x77:
            imm = 0x78
        return [f"hvc #{imm}"], ["HVC"]

    def g_undefined(self):
        """Reserved encodings of allocated groups (UNDEFINED on both), and raw words from the
        unallocated top-level space."""
        r = self.r.getrandbits
        c = self.r.randrange(10)
        if c == 9:
            imm = self.r.randrange(65536)
            if imm == 0xf000:
                imm = 0xf001
            which = self.pick(["HLT", "DCPS", "DRPS", "SYSL"])
            text = {"HLT": f"hlt #{imm:#x}", "DCPS": f"dcps{self.r.randrange(1, 4)} #{imm}",
                    "DRPS": "drps",
                    "SYSL": f"sysl {reg(self.rd())}, #{self.r.randrange(8)}, "
                            f"c{self.r.randrange(16)}, c{self.r.randrange(16)}, "
                            f"#{self.r.randrange(8)}"}[which]
            return [text], [which]
        rd = self.pick([r_ for r_ in range(32) if r_ != 28])
        if c == 0:   # logical immediate, 32-bit with N = 1
            w = (self.pick([0, 1, 2, 3]) << 29) | (0b100100 << 23) | (1 << 22) | (r(16) << 5)
        elif c == 1:  # move wide, 32-bit with hw >= 2
            w = (self.pick([0, 2, 3]) << 29) | (0b100101 << 23) | ((2 + r(1)) << 21) | (r(16) << 5)
        elif c == 2:  # add/sub extended with imm3 > 4
            w = (r(3) << 29) | (0b01011001 << 21) | (r(8) << 13) | ((5 + self.r.randrange(3)) << 10) | (r(5) << 5)
        elif c == 3:  # bitfield with sf != N
            sf = r(1)
            w = (sf << 31) | (self.r.randrange(3) << 29) | (0b100110 << 23) | ((1 - sf) << 22) | (r(17) << 5)
        elif c == 4:  # load/store register offset with option<1> = 0
            w = (r(2) << 30) | (0b111000 << 24) | (r(2) << 22) | (1 << 21) | (r(5) << 16) | \
                (self.pick([0, 1, 4, 5]) << 13) | (r(1) << 12) | (0b10 << 10) | (r(5) << 5)
            if (w >> 22) & 3 == 2 and (w >> 30) == 3:
                w &= ~(3 << 22)   # avoid PRFM (never faults)
        elif c == 5:  # add/sub shifted register with shift = 0b11
            w = (r(3) << 29) | (0b01011 << 24) | (3 << 22) | (r(16) << 5)
        elif c == 6:  # 32-bit shifted-register forms with imm6 >= 32
            w = (r(2) << 29) | (0b01010 << 24) | (r(3) << 21) | (r(5) << 16) | ((32 | r(5)) << 10) | (r(5) << 5)
        elif c == 7:  # unallocated top-level (op0 = 0b0001, 0b0010, 0b0011) and UDF
            w = (r(3) << 29) | (self.pick([0, 1, 2, 3]) << 25) | r(25)
            if (w >> 25) & 0xf == 0:
                w = r(16)   # UDF #imm16 (the only allocated encoding in op0 = 0000)
        else:  # EXTR with N != sf
            sf = r(1)
            w = (sf << 31) | (0b00100111 << 23) | ((1 - sf) << 22) | (r(5) << 16) | (r(6) << 10) | (r(5) << 5)
        w = (w & ~0x1f) | rd
        return [f".inst {w:#010x}"], ["UNALLOCATED"]

    def g_raw_dp(self):
        """A random word from the data-processing (immediate or register) space: whatever it
        decodes to, both must agree. Destination x28 (the arena base) is avoided."""
        w = self.r.getrandbits(32)
        w = (w & ~(0xf << 25)) | (self.pick([0b1000, 0b1001, 0b0101, 0b1101]) << 25)
        if (w & 0x1f) == 28:
            w ^= 1
        return [f".inst {w:#010x}"], ["RAW"]

    # --- branches --------------------------------------------------------------------------
    def g_branch(self):
        kind = self.pick(["b", "bl", "bcond", "cbz", "cbnz", "tbz", "tbnz", "br", "blr", "ret",
                          "bcond", "cbz", "tbz", "br_misaligned", "blr_xn"])
        name = {"b": "B_uncond", "bl": "BL", "bcond": "B_cond", "cbz": "CBZ", "cbnz": "CBNZ",
                "tbz": "TBZ", "tbnz": "TBNZ", "br": "BR", "blr": "BLR", "ret": "RET",
                "br_misaligned": "BR", "blr_xn": "BLR"}[kind]
        t = self.rd()
        sf = self.chance(0.6)
        bit = self.r.randrange(64 if sf else 32)
        cond = self.pick(CONDS)
        k = self.pick(POOL_REGS)

        def emit(label):
            if kind == "b":
                return [f"b {label}"]
            if kind == "bl":
                return [f"bl {label}"]
            if kind == "bcond":
                return [f"b.{cond} {label}"]
            if kind in ("cbz", "cbnz"):
                return [f"{kind} {reg(t, sf)}, {label}"]
            if kind in ("tbz", "tbnz"):
                return [f"{kind} {reg(t, bit >= 32 or sf)}, #{bit}, {label}"]
            if kind == "br_misaligned":
                # PC alignment fault at the target; the harness resumes at target & ~3.
                return [f"adr {reg(k)}, {label}",
                        f"add {reg(k)}, {reg(k)}, #{self.r.randrange(1, 4)}", f"br {reg(k)}"]
            if kind == "blr_xn":
                # Instruction abort: the arena is execute-never, the guard page unmapped. The
                # harness resumes at the return address BLR left in x30.
                target = GUARD + 4 * self.r.randrange(PAGE // 4) if self.chance(0.3) \
                    else 4 * self.r.randrange(ARENA // 4)
                return self.set_base(k, target) + [f"blr {reg(k)}"]
            if kind == "ret" and self.chance(0.5):
                return [f"adr x30, {label}", "ret"]
            return [f"adr {reg(k)}, {label}", f"{kind} {reg(k)}"]
        return emit, [name]


def gen_block(g, b, insns, out, cut=None):
    """Appends block `b` (about `insns` random instructions) to the list of lines `out`;
    returns the number of random instructions. With `cut`, only groups 0..cut are emitted
    (the random choices stay the same), for bisecting a divergence."""
    groups = []
    count = 0
    pool = f"pool_{b}"
    while count < insns:
        c = g.r.random()
        branch = None
        n = 1
        if c < 0.40:
            lines, names = g.alu()
        elif c < 0.62:
            lines, names = g.g_ldst()
        elif c < 0.68:
            lines, names = g.g_pair()
        elif c < 0.71:
            lines, names, n = g.g_exclusive()
        elif c < 0.73:
            lines, names = g.g_acqrel()
        elif c < 0.74:
            lines, names = g.g_literal(pool)
        elif c < 0.75:
            lines, names = g.g_prfm()
        elif c < 0.76:
            lines, names = g.g_cache()
        elif c < 0.84:
            branch, names = g.g_branch()
            lines = None
        elif c < 0.90:
            lines, names = g.g_system()
            n = len(lines)
        elif c < 0.93:
            lines, names = g.g_undefined()
        elif c < 0.96:
            lines, names = g.g_raw_dp()
        elif c < 0.97:
            lines, names = g.g_bad_exclusive()
        else:
            lines, names = g.alu()
        g.covered.update(names)
        grp = Group(lines, n, names, branch)
        if branch:
            grp.target = len(groups) + g.r.randrange(1, 7)
        groups.append(grp)
        count += n

    # Initial state: x28 = arena base, SP_EL0 inside the arena, random NZCV.
    regs = [g.value() for _ in range(31)]
    sp_off = g.r.randrange(ARENA // 4, 3 * ARENA // 4) & ~15
    nzcv = g.r.randrange(16) << 28
    out.append("\t.section .rodata.diff, \"a\"")
    out.append("\t.balign 8")
    out.append(f"init_{b}:")
    for i, v in enumerate(regs):
        out.append("\t.quad diff_arena" if i == 28 else f"\t.quad {v:#x}")
    out.append(f"\t.quad diff_arena + {sp_off:#x}")
    out.append(f"\t.quad {nzcv:#x}")
    out.append("\t.text")
    out.append("\t.balign 4")
    out.append(f"blk_{b}:")
    out += ["\tadrp x30, init_%d" % b, "\tadd x30, x30, :lo12:init_%d" % b,
            "\tldp x0, x1, [x30, #248]"]
    if g.mode == 0:
        out += ["\tmov sp, x0", "\tmsr nzcv, x1"]
    else:
        out += ["\tmsr sp_el0, x0", "\tmsr nzcv, x1", "\tmsr spsel, #0"]
    for i in range(0, 30, 2):
        out.append(f"\tldp x{i}, x{i + 1}, [x30, #{8 * i}]")
    out.append("\tldr x30, [x30, #240]")
    last = len(groups) if cut is None else min(cut + 1, len(groups))
    for i, grp in enumerate(groups[:last]):
        out.append(f"L{b}_{i}:")
        if grp.branch:
            label = f"L{b}_{grp.target}" if grp.target < last else f"L{b}_end"
            grp.lines = grp.branch(label)
        out.append(f"\t// {' '.join(grp.names)}")
        for line in grp.lines:
            out.append("\t" + line)
    out.append(f"L{b}_end:")
    out.append("\tsvc #0xd1ff" if g.mode == 0 else "\tb diff_block_end")
    out.append("\t.balign 8")
    out.append(f"{pool}:")
    for _ in range(POOL_QUADS):
        out.append(f"\t.quad {g.value():#x}")
    out.append(f"blk_{b}_end:")
    return count


def generate(seed, mode, blocks, insns, cut=None):
    """The assembly text, the number of random instructions and the a64.inc entries used.
    cut = (block, group): stop after that group of that block (bisecting)."""
    g = Gen(random.Random(seed), mode)
    out = [f"// Generated by tests/diff/gen.py --seed {seed} --mode el{mode} "
           f"--blocks {blocks} --insns {insns}",
           "\t.globl diff_code_start, diff_code_end, diff_init_start, diff_init_end",
           "\t.section .rodata.diff, \"a\"", "\t.balign 8", "diff_init_start:",
           "\t.text", "\t.balign 4", "diff_code_start:"]
    total = 0
    if cut:
        blocks = cut[0] + 1
    for b in range(blocks):
        total += gen_block(g, b, insns, out, cut[1] if cut and b == cut[0] else None)
    out += ["diff_code_end:", "\t.section .rodata.diff, \"a\"", "\t.balign 8",
            "\t.globl diff_seed, diff_mode, diff_nblocks, diff_blocks, diff_random_insns",
            f"diff_seed: .quad {seed}", f"diff_mode: .quad {mode}",
            # EL0 controls of SCTLR_EL1 for mode 0: UMA, DZE, UCT, nTWE, UCI.
            "\t.globl diff_sctlr_el0",
            f"diff_sctlr_el0: .quad {sum(1 << b for b in (9, 14, 15, 18, 26) if g.chance(0.5)):#x}",
            f"diff_nblocks: .quad {blocks}", f"diff_random_insns: .quad {total}",
            "diff_blocks:"]
    for b in range(blocks):
        out.append(f"\t.quad blk_{b}, blk_{b}_end - blk_{b}")
    out.append("diff_init_end:")
    return "\n".join(out) + "\n", total, g.covered


def check_coverage(a64inc):
    names = re.findall(r"^INST\((\w+),", open(a64inc).read(), re.M)
    covered = set()
    for seed in range(40):
        for mode in (0, 1, 2):
            covered |= generate(seed, mode, 4, 60)[2]
    missing = [n for n in names if n not in covered and n not in NOT_RANDOM]
    stale = [n for n in NOT_RANDOM if n not in names]
    for n in missing:
        print(f"a64.inc entry {n} is neither generated by gen.py nor listed in NOT_RANDOM")
    for n in stale:
        print(f"NOT_RANDOM lists {n}, which a64.inc does not have")
    if missing or stale:
        return 1
    print(f"ok: {len(names) - len(NOT_RANDOM)} of {len(names)} a64.inc entries are generated; "
          f"the other {len(NOT_RANDOM)} are covered elsewhere:")
    for n, why in sorted(NOT_RANDOM.items()):
        print(f"  {n}: {why}")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mode", choices=["el0", "el1", "el2"], default="el2")
    ap.add_argument("--blocks", type=int, default=50)
    ap.add_argument("--insns", type=int, default=40)
    ap.add_argument("--out", help="assembly file to write")
    ap.add_argument("--coverage", metavar="A64INC", help="check the table coverage and exit")
    a = ap.parse_args()
    if a.coverage:
        sys.exit(check_coverage(a.coverage))
    text, total, _ = generate(a.seed, int(a.mode[2]), a.blocks, a.insns)
    with open(a.out, "w") as f:
        f.write(text)
    print(total)


if __name__ == "__main__":
    main()
