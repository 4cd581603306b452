// Which initiator issued a transaction. Cores attach it to every MMIO transaction so that
// banked registers (the GIC's CPU interface, per-core PPIs, GICV) know who is asking.
#pragma once

#include <tlm>

namespace armsim::mem {

struct InitiatorId : tlm::tlm_extension<InitiatorId> {
    unsigned id = 0; // core index on the board

    tlm::tlm_extension_base* clone() const override {
        auto* e = new InitiatorId;
        e->id = id;
        return e;
    }
    void copy_from(const tlm::tlm_extension_base& other) override {
        id = static_cast<const InitiatorId&>(other).id;
    }
};

// The initiator of `trans`, or `fallback` when it carries no id (debug accesses).
inline unsigned initiator_of(tlm::tlm_generic_payload& trans, unsigned fallback = 0) {
    InitiatorId* ext = nullptr;
    trans.get_extension(ext);
    return ext ? ext->id : fallback;
}

} // namespace armsim::mem
