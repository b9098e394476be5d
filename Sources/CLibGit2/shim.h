#include <git2.h>

/// Sets the CA bundle file libgit2's TLS stream (mbedTLS on Debian) trusts; NULL file keeps none.
/// `git_libgit2_opts` is variadic, which Swift cannot call; this fixed-arity wrapper can be.
/// The setting is process-wide (every repository, every thread) in libgit2 1.5.
static inline int placer_git_set_ssl_cert_file(const char *file) {
    return git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, NULL);
}
