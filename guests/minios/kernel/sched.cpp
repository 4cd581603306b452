// Cooperative threads on one CPU. A thread runs until it waits, yields or exits; when no
// thread can run, the scheduler arms the timer for the earliest deadline and waits for an
// interrupt (WFI with IRQs masked, then a short unmasked window to take it).
#include "internal.h"

extern "C" {
void minios_switch(uint64_t* from, uint64_t* to);
void minios_thread_trampoline();
[[noreturn]] void minios_thread_exit();
}

namespace minios {

struct Thread {
    uint64_t ctx[13]; // x19..x30, sp (arch/head.S minios_switch)
    const char* name;
    enum class State { Running, Ready, Blocked, Dead } state;
    Thread* next_ready;
    Thread* next_wait;
    WaitQueue* waiting_on;
    Thread* next_sleeper;
    uint64_t wake_at;
    bool timed_out;
    paddr_t stack;
    size_t stack_pages;
};

struct Scheduler {
    static void remove_waiter(WaitQueue& q, Thread* t) {
        for (Thread** p = &q.head_; *p; p = &(*p)->next_wait) {
            if (*p == t) {
                *p = t->next_wait;
                break;
            }
        }
        t->next_wait = nullptr;
        t->waiting_on = nullptr;
    }
    static void append_waiter(WaitQueue& q, Thread* t) {
        Thread** p = &q.head_;
        while (*p)
            p = &(*p)->next_wait;
        *p = t;
        t->next_wait = nullptr;
        t->waiting_on = &q;
    }
    static Thread* pop_waiter(WaitQueue& q) {
        Thread* t = q.head_;
        if (t) remove_waiter(q, t);
        return t;
    }
};

namespace {

Thread boot_thread; // the boot stack's context, abandoned once the first thread runs
Thread* cur = &boot_thread;
Thread* ready_head = nullptr;
Thread* ready_tail = nullptr;
Thread* sleepers = nullptr; // sorted by wake_at
Thread* zombies = nullptr;

void push_ready(Thread* t) {
    t->state = Thread::State::Ready;
    t->next_ready = nullptr;
    if (ready_tail)
        ready_tail->next_ready = t;
    else
        ready_head = t;
    ready_tail = t;
}

Thread* pop_ready() {
    Thread* t = ready_head;
    if (t) {
        ready_head = t->next_ready;
        if (!ready_head) ready_tail = nullptr;
    }
    return t;
}

void add_sleeper(Thread* t) {
    Thread** p = &sleepers;
    while (*p && (*p)->wake_at <= t->wake_at)
        p = &(*p)->next_sleeper;
    t->next_sleeper = *p;
    *p = t;
}

void remove_sleeper(Thread* t) {
    for (Thread** p = &sleepers; *p; p = &(*p)->next_sleeper) {
        if (*p == t) {
            *p = t->next_sleeper;
            break;
        }
    }
    t->next_sleeper = nullptr;
}

void make_ready(Thread* t) {
    if (t->state != Thread::State::Blocked) return;
    if (t->wake_at) remove_sleeper(t);
    t->wake_at = 0;
    push_ready(t);
}

void expire_sleepers() {
    const uint64_t now = now_ns();
    while (sleepers && sleepers->wake_at <= now) {
        Thread* t = sleepers;
        sleepers = t->next_sleeper;
        t->next_sleeper = nullptr;
        t->wake_at = 0;
        t->timed_out = true;
        if (t->waiting_on) Scheduler::remove_waiter(*t->waiting_on, t);
        push_ready(t);
    }
}

void reap_zombies() {
    while (zombies) {
        Thread* z = zombies;
        zombies = z->next_ready;
        if (z->stack) free_pages(z->stack, z->stack_pages);
        free(z);
    }
}

void switch_to(Thread* next) {
    next->state = Thread::State::Running;
    if (next == cur) return;
    Thread* prev = cur;
    cur = next;
    minios_switch(prev->ctx, next->ctx);
    reap_zombies(); // we run again: on our own stack, never a zombie's
}

void idle_wait() {
    timer_program(sleepers ? sleepers->wake_at : 0);
    // WFI wakes on a pending interrupt even while PSTATE.I masks it (ARM DDI 0487
    // D1.16.2); opening the mask afterwards takes it. Opening first could lose the wake-up.
    arch::wfi();
    poll_interrupts();
}

void schedule() {
    for (;;) {
        expire_sleepers();
        if (Thread* next = pop_ready()) {
            switch_to(next);
            return;
        }
        if (cur->state == Thread::State::Running) return;
        idle_wait();
    }
}

} // namespace

void poll_interrupts() {
    arch::irq_enable();
    arch::isb();
    arch::irq_disable();
}

void sched_on_timer() {
    // Nothing to do here: the scheduler loop looks at the sleepers when the WFI ends.
}

void sched_init() {
    boot_thread.name = "boot";
}

Thread* thread_create(const char* name, ThreadFn fn, void* arg, size_t stack_bytes) {
    auto* t = static_cast<Thread*>(calloc(1, sizeof(Thread)));
    const size_t pages = (stack_bytes + kPageSize - 1) / kPageSize;
    const paddr_t stack = t ? alloc_pages(pages) : 0;
    if (!stack) {
        free(t);
        return nullptr;
    }
    t->name = name;
    t->stack = stack;
    t->stack_pages = pages;
    t->ctx[0] = reinterpret_cast<uint64_t>(fn);                         // x19
    t->ctx[1] = reinterpret_cast<uint64_t>(arg);                        // x20
    t->ctx[11] = reinterpret_cast<uint64_t>(&minios_thread_trampoline); // x30
    t->ctx[12] = stack + pages * kPageSize;                             // sp
    t->state = Thread::State::Blocked;
    push_ready(t);
    return t;
}

void sched_start(ThreadFn first, void* arg) {
    if (!thread_create("main", first, arg)) panic("cannot create the main thread");
    boot_thread.state = Thread::State::Dead; // never scheduled again
    schedule();
    panic("the boot context was resumed");
}

Thread* current_thread() {
    return cur;
}
const char* thread_name(const Thread* t) {
    return t ? t->name : "?";
}

void yield() {
    push_ready(cur);
    schedule();
}

void thread_exit() {
    cur->state = Thread::State::Dead;
    cur->next_ready = zombies;
    zombies = cur;
    schedule();
    panic("a dead thread was resumed");
}

void sleep_ns(uint64_t ns) {
    WaitQueue q;
    q.wait_until(now_ns() + (ns ? ns : 1));
}

bool WaitQueue::wait_until(uint64_t deadline_ns) {
    Thread* t = cur;
    t->timed_out = false;
    Scheduler::append_waiter(*this, t);
    t->wake_at = deadline_ns;
    if (deadline_ns) add_sleeper(t);
    t->state = Thread::State::Blocked;
    schedule();
    return !t->timed_out;
}

void WaitQueue::wake_one() {
    if (Thread* t = Scheduler::pop_waiter(*this)) make_ready(t);
}

void WaitQueue::wake_all() {
    while (Thread* t = Scheduler::pop_waiter(*this))
        make_ready(t);
}

} // namespace minios

extern "C" void minios_thread_exit() {
    minios::thread_exit();
}
