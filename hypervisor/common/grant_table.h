// Grant tables, version 1: a domain shares its own pages by writing grant entries into
// frames the hypervisor provides; another domain maps (into its stage 2) or copies them
// through the hypervisor, which checks every use against the entry.
#pragma once

#include "../include/public/grant_table.h"
#include "lib.h"
#include "types.h"

namespace hyp {

struct Vcpu;
struct Domain;

inline constexpr uint32_t kGrantFrames = 32; // max shared frames per domain
inline constexpr uint32_t kGrantEntriesPerFrame = 4096 / sizeof(grant_entry_v1_t);
inline constexpr uint32_t kMaptrackEntries = 1024; // mappings a domain may hold

// Per-entry use counts of the granting domain: how many mappings pin it.
struct GrantActive {
    uint16_t readers = 0;
    uint16_t writers = 0;
};

struct Maptrack {
    bool in_use = false;
    bool readonly = false;
    uint16_t dom = 0;     // granting domain
    uint32_t dom_gen = 0; // and which incarnation of that id
    uint32_t ref = 0;
    uint64_t host_ipa = 0;
    uint64_t frame = 0; // host physical page
};

struct GrantTable {
    uint32_t nr_frames = 0;
    uint32_t max_frames = kGrantFrames;
    uint64_t frame_hpa[kGrantFrames] = {};
    uint64_t frame_gfn[kGrantFrames] = {};  // where mapped in the guest, 0 = not mapped
    GrantActive* active[kGrantFrames] = {}; // one page per shared frame
    Maptrack* maptrack = nullptr;           // kMaptrackEntries, in pages
    uint64_t maptrack_pages = 0;
    uint32_t version = 1;
};

namespace gnttab {

bool domain_init(Domain* d);
// Unmaps everything `d` maps from others, then frees its frames. Pages of `d` still mapped
// elsewhere are left to their mappers (freed on their unmap).
void domain_destroy(Domain* d);

Status op(Vcpu* v, unsigned cmd, uint64_t uop, uint32_t count);

// Makes frame `idx` exist and maps it at `gfn` in the guest (XENMAPSPACE_grant_table).
Status map_frame(Domain* d, uint32_t idx, uint64_t gfn);
// Pre-fills an entry (boot-time console/xenstore rings shared with dom0).
Status grant_access(Domain* d, uint32_t ref, uint16_t to, uint64_t gfn, bool readonly);

} // namespace gnttab

} // namespace hyp
