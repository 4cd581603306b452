// The mini-OS's own check: the same image, natively and as a domU, runs these tests and
// prints the same "hello:" lines. Scenarios native-hello and xen-hello expect them.
#include <minios/arch.h>
#include <minios/minios.h>

using namespace minios;

namespace {

int failures = 0;
int passed = 0;

void report(const char* name, bool ok, const char* detail = "") {
    if (ok) {
        ++passed;
        printf("hello: %s ok\n", name);
    } else {
        ++failures;
        printf("hello: %s FAILED %s\n", name, detail);
    }
}

bool test_printf() {
    char buf[64];
    bare_snprintf(buf, sizeof buf, "%d %u %x %s %05d %c %lx", -42, 42u, 0xbeefu, "str", 7, 'z',
                  0x123456789aUL);
    return strcmp(buf, "-42 42 beef str 00007 z 123456789a") == 0;
}

bool test_pages() {
    const size_t before = free_page_count();
    const paddr_t one = alloc_pages(1);
    const paddr_t run = alloc_pages(16);
    if (!one || !run || (one & (kPageSize - 1)) || (run & (kPageSize - 1))) return false;
    if (free_page_count() != before - 17) return false;
    // Fresh pages are zero; write the whole run and read it back.
    auto* p = static_cast<uint64_t*>(phys_to_virt(run));
    for (size_t i = 0; i < 16 * kPageSize / 8; ++i)
        if (p[i] != 0) return false;
    for (size_t i = 0; i < 16 * kPageSize / 8; ++i)
        p[i] = i * 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i < 16 * kPageSize / 8; ++i)
        if (p[i] != i * 0x9e3779b97f4a7c15ULL) return false;
    free_pages(run, 16);
    free_pages(one, 1);
    return free_page_count() == before;
}

bool test_heap() {
    static const size_t kSizes[] = {1, 24, 100, 500, 2000, 5000, 20000};
    void* blocks[7];
    for (int i = 0; i < 7; ++i) {
        blocks[i] = malloc(kSizes[i]);
        if (!blocks[i] || (reinterpret_cast<uintptr_t>(blocks[i]) & 15)) return false;
        memset(blocks[i], 0x40 + i, kSizes[i]);
    }
    for (int i = 0; i < 7; ++i) {
        const auto* b = static_cast<const uint8_t*>(blocks[i]);
        for (size_t k = 0; k < kSizes[i]; ++k)
            if (b[k] != 0x40 + i) return false;
        free(blocks[i]);
    }
    int* arr = new int[1000];
    for (int i = 0; i < 1000; ++i)
        arr[i] = i;
    long sum = 0;
    for (int i = 0; i < 1000; ++i)
        sum += arr[i];
    delete[] arr;
    return sum == 499500;
}

bool test_mmu() {
    const uint64_t sctlr = MINIOS_READ_SYSREG(sctlr_el1);
    if (!(sctlr & 1) || !(sctlr & 4) || !(sctlr & (1 << 12))) return false;
    // Exclusives need Normal cacheable memory: they would not work on Device memory.
    static uint64_t counter;
    for (int i = 0; i < 100; ++i)
        __atomic_fetch_add(&counter, 3, __ATOMIC_SEQ_CST);
    uint64_t expected = 300;
    return __atomic_compare_exchange_n(&counter, &expected, 1, false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST) &&
           counter == 1;
}

bool test_faults() {
    uint64_t v = 0;
    static const uint64_t kMarker = 0x5a5a12345678a5a5ULL;
    // An address far above any RAM or device: not in our page tables.
    if (probe_read(reinterpret_cast<const void*>(0x7000000000ULL), &v)) return false;
    return probe_read(&kMarker, &v) && v == kMarker;
}

bool test_timer() {
    const uint64_t t0 = now_ns();
    sleep_ms(20);
    const uint64_t dt = now_ns() - t0;
    return dt >= 20000000 && dt < 1000000000;
}

struct ThreadTest {
    int order[6];
    int n = 0;
    Event done[2];
    Event never;
};

void worker_a(void* arg) {
    auto* t = static_cast<ThreadTest*>(arg);
    for (int i = 0; i < 3; ++i) {
        t->order[t->n++] = 'a';
        yield();
    }
    t->done[0].signal();
}

void worker_b(void* arg) {
    auto* t = static_cast<ThreadTest*>(arg);
    for (int i = 0; i < 3; ++i) {
        t->order[t->n++] = 'b';
        yield();
    }
    t->done[1].signal();
}

bool test_threads() {
    ThreadTest t;
    if (!thread_create("a", worker_a, &t) || !thread_create("b", worker_b, &t)) return false;
    if (!t.done[0].wait_for(1000000000) || !t.done[1].wait_for(1000000000)) return false;
    // Round robin: a and b alternate.
    static const char kWant[] = "ababab";
    for (int i = 0; i < 6; ++i)
        if (t.order[i] != kWant[i]) return false;
    // A wait nobody answers ends by its timeout, not earlier.
    const uint64_t t0 = now_ns();
    if (t.never.wait_for(5000000)) return false;
    return now_ns() - t0 >= 5000000;
}

} // namespace

extern "C" int app_main(const BootInfo&) {
    report("printf", test_printf());
    report("pages", test_pages());
    report("heap", test_heap());
    report("mmu", test_mmu());
    report("faults", test_faults());
    report("timer", test_timer());
    report("threads", test_threads());
    if (failures) {
        printf("hello: %d of %d tests FAILED\n", failures, failures + passed);
        return 1;
    }
    printf("hello: all %d tests passed\n", passed);
    return 0;
}
