// glibc's malloc introspection and trimming (<malloc.h>: mallinfo2, malloc_trim, mallopt), which Swift's Glibc
// module does not map. Part of libc, so nothing to link. HeapMemory (PlacerCore) is the only user.
#include <malloc.h>
