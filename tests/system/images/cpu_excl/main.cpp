// Exclusives (ARM DDI 0487 B2.9, C6.2 LDXR/STXR ...): the local monitor's rules on one core,
// then four cores started with PSCI CPU_ON contending for an atomic counter (LDAXR/STLXR)
// and for a spinlock (SEVL/WFE/LDAXR/STXR, released with STLR, whose waiters wake because
// the release clears their reservations). QEMU and armsim must print the same lines.
#include <cputest.h>

using namespace cputest;

namespace {

constexpr unsigned kCores = 4, kRounds = 2000;

alignas(64) volatile uint64_t word[16];

uint32_t ldxr_stxr(volatile uint64_t* p, uint64_t v) {
    uint64_t old;
    uint32_t status;
    asm volatile("ldxr %0, [%2]; stxr %w1, %3, [%2]"
                 : "=&r"(old), "=&r"(status)
                 : "r"(p), "r"(v)
                 : "memory");
    return status;
}

// --- four cores ------------------------------------------------------------------------------
alignas(64) volatile uint64_t counter;
alignas(64) volatile uint32_t lock;
volatile uint64_t plain_counter; // protected by `lock`
volatile uint32_t done_count;
alignas(64) volatile uint32_t go;

void atomic_add(volatile uint64_t* p, uint64_t v) {
    uint64_t tmp;
    uint32_t status;
    asm volatile("1: ldaxr %0, [%2]\n"
                 "   add %0, %0, %3\n"
                 "   stlxr %w1, %0, [%2]\n"
                 "   cbnz %w1, 1b"
                 : "=&r"(tmp), "=&r"(status)
                 : "r"(p), "r"(v)
                 : "memory");
}

void spin_lock(volatile uint32_t* l) {
    uint32_t tmp, status;
    asm volatile("   sevl\n"
                 "1: wfe\n"
                 "2: ldaxr %w0, [%2]\n"
                 "   cbnz %w0, 1b\n"
                 "   stxr %w1, %w3, [%2]\n"
                 "   cbnz %w1, 2b"
                 : "=&r"(tmp), "=&r"(status)
                 : "r"(l), "r"(1u)
                 : "memory");
}

void spin_unlock(volatile uint32_t* l) {
    asm volatile("stlr wzr, [%0]" ::"r"(l) : "memory");
}

void worker() {
    while (!go)
        asm volatile("wfe" ::: "memory");
    for (unsigned i = 0; i < kRounds; ++i) {
        atomic_add(&counter, 1);
        spin_lock(&lock);
        plain_counter = plain_counter + 1;
        spin_unlock(&lock);
    }
    uint32_t tmp, status;
    asm volatile("1: ldaxr %w0, [%2]\n"
                 "   add %w0, %w0, #1\n"
                 "   stlxr %w1, %w0, [%2]\n"
                 "   cbnz %w1, 1b\n"
                 "   sev"
                 : "=&r"(tmp), "=&r"(status)
                 : "r"(&done_count)
                 : "memory");
}

} // namespace

extern "C" void bare_secondary_main(uint64_t) {
    worker();
    for (;;)
        asm volatile("wfi");
}

extern "C" void bare_main(uint64_t x0) {
    bare::boot_console(x0);

    bare_printf("-- one core\n");
    word[0] = 5;
    show("ldxr/stxr: status", ldxr_stxr(&word[0], 6));
    show("ldxr/stxr: memory", word[0]);
    uint32_t st;
    asm volatile("clrex; stxr %w0, %2, [%1]" : "=&r"(st) : "r"(&word[0]), "r"(7ull) : "memory");
    show("stxr after clrex", st);
    show("memory", word[0]);
    uint64_t v;
    asm volatile("ldxr %1, [%2]; stxr %w0, %3, [%4]"
                 : "=&r"(st), "=&r"(v)
                 : "r"(&word[0]), "r"(8ull), "r"(&word[8])
                 : "memory");
    show("stxr to another address than ldxr", st);
    show("memory at the other address", word[8]);
    asm volatile("ldxr %1, [%2]; str %3, [%2]; stxr %w0, %3, [%2]"
                 : "=&r"(st), "=&r"(v)
                 : "r"(&word[0]), "r"(9ull)
                 : "memory");
    show("stxr after a store of a new value to the location", st);
    asm volatile("ldxr %1, [%2]; str %3, [%2, #64]; stxr %w0, %3, [%2]"
                 : "=&r"(st), "=&r"(v)
                 : "r"(&word[0]), "r"(10ull)
                 : "memory");
    show("stxr after a store to another granule", st);
    show("memory", word[0]);
    uint64_t a, b;
    word[2] = 0x1111;
    word[3] = 0x2222;
    asm volatile("ldaxp %1, %2, [%4]; stlxp %w0, %2, %1, [%4]"
                 : "=&r"(st), "=&r"(a), "=&r"(b), "+m"(word[2])
                 : "r"(&word[2])
                 : "memory");
    show("ldaxp/stlxp swap: status", st);
    show("ldaxp/stlxp swap: first", word[2]);
    show("ldaxp/stlxp swap: second", word[3]);
    uint32_t h;
    asm volatile("ldxrh %w1, [%2]; add %w1, %w1, #1; stxrh %w0, %w1, [%2]"
                 : "=&r"(st), "=&r"(h)
                 : "r"(reinterpret_cast<volatile uint8_t*>(&word[4]) + 6)
                 : "memory");
    show("ldxrh/stxrh at offset 6: status", st);
    show("word", word[4]);
    clear();
    asm volatile("ldxr %0, [%1]"
                 : "=r"(v)
                 : "r"(reinterpret_cast<volatile uint8_t*>(&word[5]) + 4));
    show_exc("ldxr misaligned", nullptr, true);

    bare_printf("-- %u cores\n", kCores);
    for (unsigned c = 1; c < kCores; ++c)
        bare::psci_cpu_on(c, reinterpret_cast<uint64_t>(bare_secondary_entry), c);
    go = 1;
    asm volatile("dsb ish; sev" ::: "memory");
    worker();
    while (done_count != kCores)
        asm volatile("wfe" ::: "memory");
    show("atomic counter", counter);
    show("counter under the spinlock", plain_counter);
}
