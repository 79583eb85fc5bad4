// Runs before main and before any Swift code compiled with AVX2 can execute: on a CPU
// without AVX2/FMA it prints what is needed and exits, instead of dying of SIGILL.
// This file is deliberately built without -march flags.
#include "CPUCheck.h"
#include <stdio.h>
#include <stdlib.h>

int photophore_cpu_supported(void) {
#if defined(__x86_64__) && !defined(PHOTOPHORE_PORTABLE_BUILD)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 1;
#endif
}

__attribute__((constructor)) static void photophore_cpu_check(void) {
    if (!photophore_cpu_supported()) {
        fputs("photophore: this build needs an x86-64-v3 CPU (AVX2 and FMA), and this CPU lacks them. "
              "Rebuild a portable binary with: PHOTOPHORE_PORTABLE=1 swift build -c release\n", stderr);
        exit(1);
    }
}
