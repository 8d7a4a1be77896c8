/* scripts/bench-pipeline's file-system floor for `predict`: only the file
 * work a prediction pass cannot skip, on both cores — per request a stat,
 * open, read and close, one JSON line, one rename into archive/predicted/;
 * per 256 requests a thread writes its lines and fsyncs them and both folders.
 * No decode, hash, network, database or journal: what is left when everything
 * else costs nothing. Renames into one folder are serialized by the kernel.
 *
 *   fs_floor ROOT    (ROOT/inbox/*.png -> ROOT/archive/predicted/, lines in ROOT/outbox/predictions.jsonl)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct {
    int inbox, predicted, lines, count;
    char **names;
} shared;

static void *work(void *arg) {
    long first = (long)arg;
    char *buffer = malloc(1 << 16), *lines = malloc(256 * 320);
    int used = 0, done = 0;
    for (int i = (int)first; i < shared.count; i += 2) {
        struct stat st;
        fstatat(shared.inbox, shared.names[i], &st, AT_SYMLINK_NOFOLLOW);
        int fd = openat(shared.inbox, shared.names[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        ssize_t got = fd < 0 ? -1 : read(fd, buffer, 1 << 16);
        if (fd >= 0) close(fd);
        used += snprintf(lines + used, 320, "{\"file\":\"%s\",\"bytes\":%zd}\n", shared.names[i], got);
        if (renameat2(shared.inbox, shared.names[i], shared.predicted, shared.names[i], RENAME_NOREPLACE) != 0) perror("rename");
        if (++done % 256 == 0 || i + 2 >= shared.count) {
            if (write(shared.lines, lines, used) != used) perror("write");
            used = 0;
            fsync(shared.lines);
            fsync(shared.inbox);
            fsync(shared.predicted);
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: fs_floor ROOT\n"); return 2; }
    int root = open(argv[1], O_RDONLY | O_DIRECTORY);
    shared.inbox = openat(root, "inbox", O_RDONLY | O_DIRECTORY);
    mkdirat(root, "archive", 0755);
    mkdirat(root, "archive/predicted", 0755);
    shared.predicted = openat(root, "archive/predicted", O_RDONLY | O_DIRECTORY);
    shared.lines = openat(root, "outbox/predictions.jsonl", O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (root < 0 || shared.inbox < 0 || shared.predicted < 0 || shared.lines < 0) { perror(argv[1]); return 1; }
    DIR *listing = fdopendir(dup(shared.inbox));
    struct dirent *e;
    int capacity = 1024;
    shared.names = malloc(sizeof(char *) * capacity);
    while ((e = readdir(listing))) {
        if (e->d_name[0] == '.' || e->d_type == DT_DIR) continue;
        if (shared.count == capacity) shared.names = realloc(shared.names, sizeof(char *) * (capacity *= 2));
        shared.names[shared.count++] = strdup(e->d_name);
    }
    closedir(listing);
    pthread_t threads[2];
    for (long k = 0; k < 2; k++) pthread_create(&threads[k], NULL, work, (void *)k);
    for (int k = 0; k < 2; k++) pthread_join(threads[k], NULL);
    return 0;
}
