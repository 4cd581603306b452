// A vector table whose synchronous current-EL entry only returns: an SVC round trip costs
// exactly SVC + exception entry + ERET + exception return.
    .text
    .balign 2048
    .globl pmu_vectors
pmu_vectors:
    .skip 0x200
    eret
