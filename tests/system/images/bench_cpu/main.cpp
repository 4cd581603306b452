// A CPU-bound workload for MIPS measurements: integer kernels a kernel's hot paths look
// like (hashing, sorting, searching, bit manipulation, memory copies), with a checksum
// printed at the end so every simulator that runs it can be checked for the same answer.
#include <bare/bare.h>

namespace {

constexpr unsigned kN = 4096;
uint32_t data[kN];
uint32_t scratch[kN];

uint64_t xorshift(uint64_t& s) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

void sort(uint32_t* a, int lo, int hi) { // quicksort, recursive
    while (lo < hi) {
        const uint32_t p = a[(lo + hi) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < p)
                ++i;
            while (a[j] > p)
                --j;
            if (i <= j) {
                const uint32_t t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        if (j - lo < hi - i) {
            sort(a, lo, j);
            lo = i;
        } else {
            sort(a, i, hi);
            hi = j;
        }
    }
}

uint32_t crc32(const uint32_t* p, unsigned n) {
    uint32_t c = ~0u;
    for (unsigned i = 0; i < n; ++i)
        asm("crc32w %w0, %w0, %w1" : "+r"(c) : "r"(p[i]));
    return ~c;
}

// Bit counting by hand: libgcc's __popcountdi2 uses Advanced SIMD, which the images avoid.
unsigned popcount(uint32_t v) {
    v = v - ((v >> 1) & 0x55555555u);
    v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
    return (((v + (v >> 4)) & 0x0f0f0f0fu) * 0x01010101u) >> 24;
}

unsigned sieve(unsigned limit) {
    static uint8_t composite[65536];
    memset(composite, 0, sizeof composite);
    unsigned count = 0;
    for (unsigned i = 2; i < limit; ++i) {
        if (composite[i]) continue;
        ++count;
        for (unsigned j = i * 2; j < limit; j += i)
            composite[j] = 1;
    }
    return count;
}

} // namespace

extern "C" void bare_main(uint64_t x0) {
    bare::boot_console(x0);
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    uint64_t sum = 0;
    for (unsigned round = 0; round < 200; ++round) {
        for (unsigned i = 0; i < kN; ++i)
            data[i] = static_cast<uint32_t>(xorshift(seed));
        memcpy(scratch, data, sizeof data);
        sort(scratch, 0, kN - 1);
        sum = sum * 31 + crc32(scratch, kN);
        for (unsigned i = 0; i < kN; ++i)
            sum += static_cast<uint64_t>(popcount(data[i])) * (scratch[i] >> 28);
        sum ^= sieve(60000);
    }
    bare_printf("bench_cpu checksum %016lx\n", sum);
}
