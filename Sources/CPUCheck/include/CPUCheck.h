#ifndef PHOTOPHORE_CPUCHECK_H
#define PHOTOPHORE_CPUCHECK_H
/// 1 when the running CPU has what this build was compiled for (AVX2 and FMA for the default
/// x86-64-v3 build), else 0. The same check also runs as a constructor before main, because
/// Swift code compiled for x86-64-v3 may use AVX instructions before any Swift check could run.
int photophore_cpu_supported(void);
/// The CPU level this build was compiled for: "x86-64-v4", "x86-64-v3" or "portable"
/// (Package.swift chooses it; benchmark baselines record it).
const char *photophore_build_level(void);
#endif
