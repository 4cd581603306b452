// Domains and vCPUs: identity, lifecycle (create, pause, shutdown, destroy), memory, and
// the per-domain state of every subsystem.
#pragma once

#include "../arch/arm64/vcpu_arch.h"
#include "../arch/arm64/vgic.h"
#include "../include/public/hvm/params.h"
#include "../include/public/vcpu.h"
#include "../include/public/xen.h"
#include "console.h"
#include "event_channel.h"
#include "grant_table.h"
#include "mmio.h"
#include "p2m.h"
#include "sched.h"

namespace hyp {

inline constexpr unsigned kMaxDomains = 16;

// Why a vCPU cannot run (any bit set = not runnable).
enum VcpuPauseFlags : uint32_t {
    kVpfBlocked = 1u << 0, // WFI, SCHEDOP_block, SCHEDOP_poll
    kVpfDown = 1u << 1,    // not started, PSCI CPU_OFF, VCPUOP_down
};

struct Vcpu {
    Domain* domain = nullptr;
    unsigned id = 0;
    bool is_idle = false;
    uint32_t pause_flags = kVpfDown;
    SchedUnit sched;
    VcpuArch arch;
    VgicCpu vgic;

    // Xen ABI state.
    vcpu_info* vinfo = nullptr; // where events are signalled (hypervisor pointer)
    vcpu_info dummy_vinfo = {}; // until the guest registers one (vCPUs > 0)
    bool vinfo_registered = false;
    uint16_t virq_port[NR_VIRQS] = {};
    vcpu_runstate_info* runstate_area = nullptr; // VCPUOP_register_runstate_memory_area
    vcpu_runstate_info runstate = {};
    // SCHEDOP_poll.
    uint32_t poll_ports[8] = {};
    unsigned poll_nr = 0;
    Timer poll_timer;
    // PSCI CPU_ON pending start.
    bool psci_on_pending = false;
};

enum class DomainState : uint8_t {
    Free = 0,
    Building, // created, not yet unpaused the first time
    Running,
    Shutdown, // vCPUs stopped, memory kept until destroyed
    Dying,
};

struct DomainConfig {
    const char* name = "";
    bool privileged = false;
    unsigned nr_vcpus = 1;
    uint64_t mem_bytes = 0;
    unsigned nr_spis = 32;
    uint32_t max_evtchn_ports = 1024;
    int16_t domid = -1; // -1: allocate
};

// Where a boot-time domain came from, so SYSTEM_RESET can rebuild it.
struct BootImage {
    uint64_t kernel_pa = 0, kernel_size = 0;
    uint64_t ramdisk_pa = 0, ramdisk_size = 0;
    char cmdline[512] = {};
};

struct Domain {
    uint16_t id = 0;
    char name[32] = {};
    DomainState state = DomainState::Free;
    bool privileged = false; // dom0: domctl, platform_op, foreign grant tables
    uint32_t shutdown_reason = 0;
    uint32_t pause_count = 0;
    uint32_t generation = 0;

    unsigned nr_vcpus = 0;
    Vcpu vcpus[kMaxVcpus];

    P2m p2m;
    uint64_t tot_pages = 0, max_pages = 0;
    uint64_t ram_base = 0, ram_size = 0; // guest RAM bank (IPA)
    uint64_t extra_gfn_next = 0;         // magic-region allocation cursor

    Hpa shared_info; // hypervisor page; the guest maps it with add_to_physmap
    uint64_t shared_info_gfn = 0;
    shared_info_t* shinfo = nullptr;

    EvtchnTable evtchn;
    GrantTable gnttab;
    VgicDist vgic;
    MmioTable mmio;
    uint64_t cntvoff = 0;
    bool runstate_update_flag = false; // VMASST_TYPE_runstate_update_flag
    uint64_t weight = 256;             // scheduler weight
    int8_t last_vcpu_ran[kMaxPcpus] = {-1, -1, -1, -1, -1, -1, -1, -1};
    DomainConfig config;
    uint64_t hvm_params[HVM_NR_PARAMS] = {};

    GuestConsoleBuffer console; // console_io output
    uint32_t console_port = 0;  // PV console ring served by the hypervisor
    uint64_t console_ring_gfn = 0;
    xen_domain_handle_t handle = {};
    BootImage boot;
    bool rebooting = false;
    SpinLock lock; // lifecycle state changes
};

namespace domain {

void init();
// Creates a paused domain with its vCPUs (offline), VMID, stage 2, event channels, grant
// table and vGIC; allocates and maps `mem_bytes` of RAM at GUEST_RAM0_BASE.
Status create(const DomainConfig& cfg, Domain** out);
Status populate_ram(Domain* d, uint64_t bytes);
// Frees everything (the caller guarantees no vCPU of d runs: state Dying).
void destroy(Domain* d);

Domain* lookup(uint16_t domid); // nullptr for free/dying slots
Domain* lookup_any(uint16_t domid);
Domain* first_from(uint16_t domid); // first live domain with id >= domid
Domain* dom0();
unsigned count_live();

void pause(Domain* d);
void unpause(Domain* d);
// Guest-initiated (SCHEDOP_shutdown, PSCI) or toolstack (remote_shutdown).
void shutdown(Domain* d, uint32_t reason);
// Schedules destruction from a safe context (not on the domain's own vCPU stack).
void request_destroy(Domain* d);
// Runs deferred work (destroys, reboots) on this pCPU; from the idle loop / exit path.
void do_deferred();

// vCPU lifecycle.
bool vcpu_runnable(const Vcpu* v);
void vcpu_block(Vcpu* v);
void vcpu_unblock(Vcpu* v);
void vcpu_up(Vcpu* v);
void vcpu_down(Vcpu* v);
// Resets architectural state and starts the vCPU at `entry` with x0 = `x0`.
void vcpu_reset(Vcpu* v, uint64_t entry, uint64_t x0);

// Memory helpers: guest physical to host.
bool ipa_to_hpa(Domain* d, Ipa ipa, Hpa* out, bool write);
// Copies into/out of guest physical memory (domain build, toolstack).
Status copy_to_ipa(Domain* d, Ipa dst, const void* src, uint64_t len);
Status copy_from_ipa(Domain* d, void* dst, Ipa src, uint64_t len);
Status zero_ipa(Domain* d, Ipa dst, uint64_t len);
// Frees the domain's RAM page at `gfn` (if any) so a hypervisor page can be mapped there
// (as Xen replaces the page under XENMEM_add_to_physmap). -EBUSY for non-RAM mappings.
Status make_room(Domain* d, uint64_t gfn);
Status map_shared_info(Domain* d, uint64_t gfn);
// Allocates a page of the domain's own memory at a free gfn in the magic region.
Status alloc_magic_page(Domain* d, unsigned offset, Ipa* out);

uint64_t ns_to_ticks(uint64_t ns);
uint64_t ticks_to_ns(uint64_t ticks);
uint64_t system_time_ns();

} // namespace domain

// Current vCPU of this pCPU.
Vcpu* current();

} // namespace hyp
