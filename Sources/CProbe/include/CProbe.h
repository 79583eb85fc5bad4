// Probes for measuring the engine from outside: Valgrind callgrind's client requests, which
// let `photophore bench instructions` count the instructions of each stage of a frame, and
// the planted work that proves the gate catches a regression (tools/gate-power.sh).
//
// The client requests compile to a few no-op instructions that only Valgrind gives a meaning
// to, so they cost nothing outside it. They need Valgrind's headers at build time (Debian's
// valgrind package, which tools/setup.sh installs); without them every request is a no-op and
// photophore_callgrind_built_in() says 0.
#ifndef PHOTOPHORE_CPROBE_H
#define PHOTOPHORE_CPROBE_H

#include <stdint.h>

/// 1 when this build has Valgrind's client requests, 0 when it was built without its headers.
int photophore_callgrind_built_in(void);
/// Nonzero when running under Valgrind.
unsigned photophore_running_on_valgrind(void);
/// Starts and stops callgrind's instrumentation (run with --instr-atstart=no).
void photophore_callgrind_start_instrumentation(void);
void photophore_callgrind_stop_instrumentation(void);
/// Switches the collection of counts on or off (run with --collect-atstart=no).
void photophore_callgrind_toggle_collect(void);
/// Writes the counts collected since the last dump to a new dump file, whose "desc:
/// Trigger" line carries `reason`, and zeroes them.
void photophore_callgrind_dump(const char *reason);

/// A fixed amount of work, `iterations` steps of a multiply-add chain the compiler cannot
/// remove or shorten: the same number of instructions every call. Returns the chain's value.
uint64_t photophore_planted_work(uint64_t iterations, uint64_t seed);

#endif
