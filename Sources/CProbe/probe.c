#include "CProbe.h"

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define PHOTOPHORE_HAVE_CALLGRIND 1
#endif
#endif

#ifdef PHOTOPHORE_HAVE_CALLGRIND
int photophore_callgrind_built_in(void) { return 1; }
unsigned photophore_running_on_valgrind(void) { return (unsigned)RUNNING_ON_VALGRIND; }
void photophore_callgrind_start_instrumentation(void) { CALLGRIND_START_INSTRUMENTATION; }
void photophore_callgrind_stop_instrumentation(void) { CALLGRIND_STOP_INSTRUMENTATION; }
void photophore_callgrind_toggle_collect(void) { CALLGRIND_TOGGLE_COLLECT; }
void photophore_callgrind_dump(const char *reason) { CALLGRIND_DUMP_STATS_AT(reason); }
#else
int photophore_callgrind_built_in(void) { return 0; }
unsigned photophore_running_on_valgrind(void) { return 0; }
void photophore_callgrind_start_instrumentation(void) {}
void photophore_callgrind_stop_instrumentation(void) {}
void photophore_callgrind_toggle_collect(void) {}
void photophore_callgrind_dump(const char *reason) { (void)reason; }
#endif

uint64_t photophore_planted_work(uint64_t iterations, uint64_t seed) {
    uint64_t x = seed | 1;
    for (uint64_t i = 0; i < iterations; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        // An empty asm that claims to change x: the loop can be neither removed, unrolled
        // into a closed form, nor vectorized, so each step costs the same few instructions.
        __asm__ volatile("" : "+r"(x));
    }
    return x;
}
