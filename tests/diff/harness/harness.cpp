// The fixed half of a random differential test image (see tests/diff/README.md).
//
// It fills a data arena from the seed, turns the MMU on with an identity map (EL2 regime, or
// EL1&0 stage 1 plus stage 2 for mode el1), runs each generated block and prints, after
// each one, x0-x30, SP, NZCV and a checksum of the arena. Exceptions the random code takes
// are printed and skipped. The same image runs on QEMU and armsim; difftest.py compares the
// two outputs line by line.
#include <bare/bare.h>

namespace {

// --- what the generated blocks file (gen.py) provides ------------------------------------
struct DiffBlock {
    const uint8_t* code; // entry: the block's prologue
    uint64_t size;       // bytes of code, for ELR offsets in the log
};

} // namespace

extern "C" {
extern const uint64_t diff_seed;
// 2: run at EL2 (EL2 regime); 1: at EL1 under stage 2; 0: at EL0 under the harness at EL1.
extern const uint64_t diff_mode;
// Mode 0: SCTLR_EL1 bits chosen by the seed among UMA, UCT, DZE, UCI, nTWE (EL0 traps).
extern const uint64_t diff_sctlr_el0;
extern const uint64_t diff_nblocks;
extern const DiffBlock diff_blocks[];
// The generated code and init records (gen.py): mapped read-only for EL0 as well, so that
// EL0 blocks can run and load their initial registers (mode 0).
extern const char diff_code_start[], diff_code_end[], diff_init_start[], diff_init_end[];

void diff_run_block(const void* code, bool at_el0);
extern char diff_el0_return[];
void diff_enter_el1(uint64_t sp_el1, void (*entry)()) __attribute__((noreturn));

// x0-x30, SP_EL0, NZCV after the last block (written by diff_block_end).
struct DiffState {
    uint64_t x[31];
    uint64_t sp;
    uint64_t nzcv;
} diff_state;

// The data the random loads and stores touch: kArenaPages mapped pages, then one unmapped
// guard page (deliberate translation faults). In mode el1, page kS1PrivPage is EL1-only at
// stage 1 (LDTR/STTR fault) and page kS2RoPage is read-only at stage 2 (stores fault to EL2).
constexpr unsigned kArenaPages = 16;
constexpr unsigned kS2RoPage = 14, kS1PrivPage = 15;
alignas(4096) uint8_t diff_arena[(kArenaPages + 1) * 4096];
}

namespace {

constexpr uint64_t kPage = 4096, kBlock2M = 2ull << 20;

alignas(4096) uint64_t s1_l1[512], s1_l2[512], s1_l3[512];
alignas(4096) uint64_t s2_l1[512], s2_l2[512], s2_l3[512];
alignas(16) uint8_t el1_stack[16384];

int current_block = -1;
uint64_t exceptions_seen = 0;

uint64_t xorshift(uint64_t& s) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

uint64_t arena_checksum() {
    // FNV-1a over the mapped arena, 64 bits at a time.
    uint64_t h = 0xcbf29ce484222325ull;
    const auto* p = reinterpret_cast<const uint64_t*>(diff_arena);
    for (unsigned i = 0; i < kArenaPages * kPage / 8; ++i)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

// --- translation tables --------------------------------------------------------------------
// Stage 1 (VMSAv8-64 4K granule, 39-bit VA, start at level 1): 0-1 GiB Device-nGnRnE block,
// RAM as 2 MiB Normal blocks, the 2 MiB region holding the arena as 4 KiB pages.
constexpr uint64_t kValid = 1, kTable = 3, kPageDesc = 3, kAF = 1ull << 10, kShInner = 3ull << 8;
constexpr uint64_t kAttrDevice = 0 << 2, kAttrNormal = 1 << 2;
constexpr uint64_t kApEl0Rw = 1ull << 6, kApRoAll = 3ull << 6;
constexpr uint64_t kPXN = 1ull << 53, kUXN = 1ull << 54;
constexpr uint64_t kMair = 0xff00; // Attr0 Device-nGnRnE, Attr1 Normal WB RW-allocate
// Stage 2 descriptors: MemAttr[5:2], S2AP[7:6].
constexpr uint64_t kS2Device = 0 << 2, kS2Normal = 0xfull << 2, kS2Rw = 3ull << 6,
                   kS2Ro = 1ull << 6;

uint64_t arena_region() {
    return reinterpret_cast<uint64_t>(diff_arena) & ~(kBlock2M - 1);
}

bool overlaps(uint64_t page, const char* start, const char* end) {
    const auto s = reinterpret_cast<uint64_t>(start), e = reinterpret_cast<uint64_t>(end);
    return s < page + kPage && page < e;
}

// The page-granular mappings above need everything the blocks touch in the arena's 2 MiB.
bool layout_ok() {
    const uint64_t region = arena_region();
    auto inside = [&](const char* p) {
        const auto a = reinterpret_cast<uint64_t>(p);
        return a >= region && a < region + kBlock2M;
    };
    return inside(diff_code_start) && inside(diff_code_end) && inside(diff_init_start) &&
           inside(diff_init_end) &&
           inside(reinterpret_cast<const char*>(diff_arena + sizeof diff_arena));
}

void build_stage1() {
    const uint64_t region = arena_region();
    s1_l1[0] = 0x0 | kAF | kAttrDevice | kPXN | kUXN | kValid;
    s1_l1[1] = reinterpret_cast<uint64_t>(s1_l2) | kTable;
    for (unsigned i = 0; i < 512; ++i) {
        const uint64_t pa = 0x40000000ull + i * kBlock2M;
        s1_l2[i] = pa == region ? reinterpret_cast<uint64_t>(s1_l3) | kTable
                                : pa | kAF | kShInner | kAttrNormal | kValid;
    }
    const uint64_t arena = reinterpret_cast<uint64_t>(diff_arena);
    for (unsigned j = 0; j < 512; ++j) {
        const uint64_t pa = region + j * kPage;
        uint64_t d = pa | kAF | kShInner | kAttrNormal | kPageDesc;
        if (pa >= arena && pa < arena + kArenaPages * kPage) {
            const unsigned page = static_cast<unsigned>((pa - arena) / kPage);
            d |= kPXN | kUXN;
            if (page != kS1PrivPage) d |= kApEl0Rw;
        } else if (pa == arena + kArenaPages * kPage) {
            d = 0; // the guard page
        } else if (overlaps(pa, diff_code_start, diff_code_end) ||
                   overlaps(pa, diff_init_start, diff_init_end)) {
            d |= kApRoAll;
        }
        s1_l3[j] = d;
    }
}

void build_stage2() {
    const uint64_t region = arena_region();
    s2_l1[0] = 0x0 | kAF | kS2Device | kS2Rw | kValid;
    s2_l1[1] = reinterpret_cast<uint64_t>(s2_l2) | kTable;
    for (unsigned i = 0; i < 512; ++i) {
        const uint64_t pa = 0x40000000ull + i * kBlock2M;
        s2_l2[i] = pa == region ? reinterpret_cast<uint64_t>(s2_l3) | kTable
                                : pa | kAF | kShInner | kS2Normal | kS2Rw | kValid;
    }
    const uint64_t ro = reinterpret_cast<uint64_t>(diff_arena) + kS2RoPage * kPage;
    for (unsigned j = 0; j < 512; ++j) {
        const uint64_t pa = region + j * kPage;
        s2_l3[j] = pa | kAF | kShInner | kS2Normal | (pa == ro ? kS2Ro : kS2Rw) | kPageDesc;
    }
}

// TCR: T0SZ = 25 (39-bit VA), inner/outer write-back, inner shareable, 4K granule, 40-bit PA.
constexpr uint64_t kTcrCommon = 25 | (1u << 8) | (1u << 10) | (3u << 12);
// SCTLR: M, C, I; SA/SA0 and A clear (QEMU does not implement SP alignment checks, see
// README.md); the RES1 bits of each register.
constexpr uint64_t kSctlrEl2 = 0x30c50830ull | 1 | (1u << 2) | (1u << 12);
constexpr uint64_t kSctlrEl1 = 0x30d00800ull | 1 | (1u << 2) | (1u << 12) | (1u << 16) | (1u << 18);
// UMA (9), UCT (15), DZE (14), UCI (26), nTWE (18): the EL0 controls mode 0 varies.
constexpr uint64_t kSctlrEl0Traps = (1u << 9) | (1u << 14) | (1u << 15) | (1u << 18) | (1u << 26);

void mmu_on_el2() {
    asm volatile("msr mair_el2, %0\n"
                 "msr tcr_el2, %1\n"
                 "msr ttbr0_el2, %2\n"
                 "dsb sy\n"
                 "tlbi alle2\n"
                 "dsb sy\n"
                 "isb\n"
                 "msr sctlr_el2, %3\n"
                 "isb\n"
                 :
                 : "r"(kMair), "r"(kTcrCommon | (2ull << 16) | (1ull << 23) | (1ull << 31)),
                   "r"(reinterpret_cast<uint64_t>(s1_l1)), "r"(kSctlrEl2)
                 : "memory");
}

// Everything EL1 needs, written from EL2 before dropping to EL1.
void prepare_el1() {
    // VTCR_EL2: T0SZ = 32 (4 GiB IPA), SL0 = 1 (start at level 1), WB, inner shareable,
    // 4K granule, PS = 40 bits; RES1 bit 31.
    const uint64_t vtcr =
        32 | (1u << 6) | (1u << 8) | (1u << 10) | (3u << 12) | (2ull << 16) | (1ull << 31);
    const uint64_t vttbr = reinterpret_cast<uint64_t>(s2_l1) | (5ull << 48); // VMID 5
    const uint64_t hcr = (1ull << 31) | 1;                                   // RW, VM
    asm volatile("msr vtcr_el2, %0\n"
                 "msr vttbr_el2, %1\n"
                 "msr hcr_el2, %2\n"
                 "msr mair_el1, %3\n"
                 "msr tcr_el1, %4\n"
                 "msr ttbr0_el1, %5\n"
                 "msr vbar_el1, %6\n"
                 "msr tpidr_el1, xzr\n"
                 "msr cpacr_el1, xzr\n"
                 "dsb sy\n"
                 "tlbi alle1\n"
                 "dsb sy\n"
                 "isb\n"
                 "msr sctlr_el1, %7\n"
                 "isb\n"
                 :
                 : "r"(vtcr), "r"(vttbr), "r"(hcr), "r"(kMair),
                   // EPD1: no TTBR1 walks.
                   "r"(kTcrCommon | (2ull << 32) | (1ull << 23)),
                   "r"(reinterpret_cast<uint64_t>(s1_l1)),
                   "r"(reinterpret_cast<uint64_t>(bare_vectors)),
                   "r"((kSctlrEl1 & ~kSctlrEl0Traps) | (diff_sctlr_el0 & kSctlrEl0Traps))
                 : "memory");
}

void print_state(unsigned b) {
    bare_printf("B%u", b);
    for (unsigned i = 0; i < 31; ++i)
        bare_printf(" x%u=%lx", i, diff_state.x[i]);
    bare_printf(" sp=%lx nzcv=%lx mem=%016lx\n", diff_state.sp, diff_state.nzcv >> 28,
                arena_checksum());
}

void run_all() {
    bare_printf("diff seed=%lu mode=el%lu blocks=%lu", diff_seed, diff_mode, diff_nblocks);
    if (diff_mode == 0) bare_printf(" sctlr_el0_bits=%lx", diff_sctlr_el0 & kSctlrEl0Traps);
    bare_printf("\n");
    for (unsigned b = 0; b < diff_nblocks; ++b) {
        current_block = static_cast<int>(b);
        diff_run_block(diff_blocks[b].code, diff_mode == 0);
        current_block = -1;
        print_state(b);
    }
    bare_printf("done exceptions=%lu\n", exceptions_seen);
}

[[noreturn]] void el1_main() {
    run_all();
    asm volatile("hvc #0x77"); // back to EL2, which powers off
    for (;;)
        asm volatile("wfi");
}

uint64_t read_hpfar() {
    uint64_t v;
    asm volatile("mrs %0, hpfar_el2" : "=r"(v));
    return v;
}

} // namespace

extern "C" void bare_exception(BareFrame* f, uint64_t kind) {
    const unsigned ec = static_cast<unsigned>(f->esr >> 26);
    const unsigned el = bare::current_el();
    if (el == 2 && kind == 4 && ec == 0x16 && (f->esr & 0xffff) == 0x77)
        bare_power_off(); // the EL1 run is over
    if (diff_mode == 0 && el == 1 && kind == 4 && ec == 0x15 && (f->esr & 0xffff) == 0xd1ff &&
        current_block >= 0) {
        // The end of an EL0 block: capture its state, return to diff_run_block's caller.
        for (unsigned i = 0; i < 31; ++i)
            diff_state.x[i] = f->x[i];
        asm volatile("mrs %0, sp_el0" : "=r"(diff_state.sp));
        diff_state.nzcv = f->spsr & 0xf0000000u;
        f->elr = reinterpret_cast<uint64_t>(diff_el0_return);
        f->spsr = 0x3c5;
        return;
    }
    const bool from_block = current_block >= 0 && (kind == 0 || kind == 4);
    if (!from_block) {
        bare_printf("harness: unexpected exception kind %lu at EL%u esr %lx elr %lx far %lx\n",
                    kind, el, f->esr, f->elr, f->far);
        bare_power_off();
    }
    ++exceptions_seen;
    const DiffBlock& blk = diff_blocks[current_block];
    const uint64_t off = f->elr - reinterpret_cast<uint64_t>(blk.code);
    uint64_t iss = f->esr & 0x1ffffff;
    const bool abort = ec >= 0x20 && ec <= 0x25;
    const bool to_el2_from_el1 = el == 2 && kind == 4;
    // ISS[24:14] (ISV and the instruction syndrome) is compared only for aborts a
    // hypervisor would emulate, taken from EL1 to EL2. QEMU also sets ISV for aborts taken
    // to EL2 from EL2 itself, where the ARM ARM (D13.2.37, ISV) says it is 0.
    if (abort && !to_el2_from_el1) iss &= 0x3fff;
    bare_printf("E%u el%u ec=%02x iss=%07lx elr=+%lx", current_block, el, ec, iss, off);
    if (abort) bare_printf(" far=%lx", f->far);
    if (abort && to_el2_from_el1) bare_printf(" hpfar=%lx", read_hpfar());
    bare_printf("\n");
    // SVC and HVC return to the next instruction already. A PC alignment fault resumes at
    // the aligned target, an instruction abort (the only way is BLR into the arena or the
    // guard page) at the return address in x30. Everything else is skipped.
    if (ec == 0x22)
        f->elr &= ~3ull;
    else if (ec == 0x20 || ec == 0x21)
        f->elr = f->x[30];
    else if (ec != 0x15 && ec != 0x16)
        f->elr += 4;
}

extern "C" void bare_main(uint64_t x0) {
    bare::boot_console(x0);
    if (bare::current_el() != 2) {
        bare_printf("harness: must start at EL2\n");
        return;
    }
    uint64_t s = diff_seed * 0x9e3779b97f4a7c15ull + 1;
    auto* words = reinterpret_cast<uint64_t*>(diff_arena);
    for (unsigned i = 0; i < kArenaPages * kPage / 8; ++i)
        words[i] = xorshift(s);
    if (!layout_ok()) {
        bare_printf("harness: code, init records and arena must share one 2 MiB region\n");
        return;
    }
    build_stage1();
    if (diff_mode <= 1) {
        build_stage2();
        prepare_el1();
        diff_enter_el1(reinterpret_cast<uint64_t>(el1_stack + sizeof el1_stack), el1_main);
    }
    mmu_on_el2();
    run_all();
}
