#include <git2.h>

/// Sets the CA bundle file libgit2's TLS stream (mbedTLS on Debian) trusts; NULL file keeps none.
/// `git_libgit2_opts` is variadic, which Swift cannot call; this fixed-arity wrapper can be.
/// The setting is process-wide (every repository, every thread) in libgit2 1.5.
static inline int placer_git_set_ssl_cert_file(const char *file) {
    return git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, NULL);
}

/// Bounds what libgit2 keeps open for a long-running process (a fixed-arity wrapper of the variadic
/// `git_libgit2_opts`): at most `file_limit` pack files open at once (least recently used closed first; libgit2's
/// default is unlimited, so a cache that gains a pack on every fetch would gain a file descriptor too), at most
/// `mapped_limit` bytes of pack windows mapped (default 8 GiB on 64-bit) and at most `cache_max` bytes in the
/// object cache (default 256 MiB). Process-wide. Returns the first failure, or 0.
static inline int placer_git_set_resource_limits(size_t file_limit, size_t mapped_limit, ssize_t cache_max) {
    int result = git_libgit2_opts(GIT_OPT_SET_MWINDOW_FILE_LIMIT, file_limit);
    if (result < 0) return result;
    result = git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, mapped_limit);
    if (result < 0) return result;
    return git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, cache_max);
}
