// Runs before main and before any Swift code compiled with AVX2 (or AVX-512) can execute: on a
// CPU without what the build targets it prints what is needed and exits, instead of dying of
// SIGILL.
// This file is deliberately built without -march flags.
#include "CPUCheck.h"
#include <stdio.h>
#include <stdlib.h>

int photophore_cpu_supported(void) {
#if defined(__x86_64__) && !defined(PHOTOPHORE_PORTABLE_BUILD)
    __builtin_cpu_init();
    int v3 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#if defined(PHOTOPHORE_NEEDS_AVX512)
    return v3 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#else
    return v3;
#endif
#else
    return 1;
#endif
}

const char *photophore_build_level(void) {
#if !defined(__x86_64__) || defined(PHOTOPHORE_PORTABLE_BUILD)
    return "portable";
#elif defined(PHOTOPHORE_NEEDS_AVX512)
    return "x86-64-v4";
#else
    return "x86-64-v3";
#endif
}

__attribute__((constructor)) static void photophore_cpu_check(void) {
    if (!photophore_cpu_supported()) {
#if defined(PHOTOPHORE_NEEDS_AVX512)
        fputs("photophore: this build needs an x86-64-v4 CPU (AVX-512), and this CPU lacks it. "
              "Rebuild for AVX2 with: PHOTOPHORE_TARGET=x86-64-v3 swift build -c release "
              "(or a portable binary with PHOTOPHORE_PORTABLE=1)\n", stderr);
#else
        fputs("photophore: this build needs an x86-64-v3 CPU (AVX2 and FMA), and this CPU lacks them. "
              "Rebuild a portable binary with: PHOTOPHORE_PORTABLE=1 swift build -c release\n", stderr);
#endif
        exit(1);
    }
}
