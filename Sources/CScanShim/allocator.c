#include "CScanShim.h"

#if defined(__GLIBC__)
#include <malloc.h>

int CScanShim_keepLargeAllocations(void) {
    // 32 MiB is glibc's upper limit for the mmap threshold on 64-bit systems.
    int a = mallopt(M_MMAP_THRESHOLD, 32 << 20);
    int b = mallopt(M_TRIM_THRESHOLD, 512 << 20);
    return a && b;
}
#else
int CScanShim_keepLargeAllocations(void) { return 0; }
#endif
