#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

// Behind _GNU_SOURCE in glibc's headers, which Swift's Glibc module does not set.
static const int mcnd_O_PATH = 010000000;
static const unsigned int mcnd_RENAME_NOREPLACE = 1;

// glibc 2.36 has no openat2() wrapper and syscall() is variadic, which Swift
// cannot call: this is the one call that needs C.
static inline int mcnd_openat2(int dirfd, const char *path, unsigned long long flags, unsigned long long mode,
                               unsigned long long resolve) {
    struct open_how how = { .flags = flags, .mode = mode, .resolve = resolve };
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

// renameat2 is declared only under _GNU_SOURCE, which Swift's Glibc module
// does not set; RENAME_NOREPLACE keeps a move from replacing a file.
static inline int mcnd_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags) {
    return (int)syscall(SYS_renameat2, olddirfd, oldpath, newdirfd, newpath, flags);
}
