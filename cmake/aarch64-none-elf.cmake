# Toolchain for the freestanding AArch64 images (hypervisor, guests, test images).
# Debian's aarch64-linux-gnu cross GCC is used with -ffreestanding -nostdlib: no libc,
# no Linux ABI, only the compiler and binutils.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(ARMSIM_CROSS_PREFIX "aarch64-linux-gnu-" CACHE STRING "Prefix of the AArch64 cross tools")
find_program(CMAKE_C_COMPILER ${ARMSIM_CROSS_PREFIX}gcc REQUIRED)
find_program(CMAKE_CXX_COMPILER ${ARMSIM_CROSS_PREFIX}g++ REQUIRED)
set(CMAKE_ASM_COMPILER ${CMAKE_C_COMPILER})
find_program(CMAKE_OBJCOPY ${ARMSIM_CROSS_PREFIX}objcopy REQUIRED)

# The compiler cannot link a hosted test program; only compile the probes.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# -mgeneral-regs-only: images must not touch FP/SIMD unless they enable it themselves
#   (the hypervisor traps it, and early boot code runs with CPACR_EL1.FPEN = 0).
# -mstrict-align: code runs with the MMU off, where every access is Device memory and an
#   unaligned access takes an alignment fault.
set(ARMSIM_IMAGE_FLAGS
    "-ffreestanding -nostdlib -fno-builtin -fno-stack-protector -fno-pic -fno-pie \
-mgeneral-regs-only -mstrict-align -mcpu=cortex-a57 -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${ARMSIM_IMAGE_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT
    "${ARMSIM_IMAGE_FLAGS} -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit")
set(CMAKE_ASM_FLAGS_INIT "${ARMSIM_IMAGE_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-nostdlib -nostartfiles -static -no-pie -Wl,--build-id=none -Wl,--gc-sections -Wl,-z,norelro -Wl,-z,noexecstack -Wl,--fatal-warnings")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
