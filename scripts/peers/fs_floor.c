/* scripts/bench-pipeline's floors for `predict`, on both cores (two threads,
 * each taking every other request, 256 requests a batch):
 *
 *   fs_floor ROOT             the file system's floor: only the file work a
 *       prediction pass cannot skip — per request a stat, open, read and
 *       close, one JSON line, one rename into archive/predicted/; per batch a
 *       thread writes its lines and fsyncs them and both folders. No decode,
 *       hash, network, database or journal.
 *   fs_floor --contract ROOT  the contract's floor: the same plus what the
 *       contract asks of every request besides the model — its SHA-256, its
 *       PNG decoded (libpng's simplified API, to 8-bit grey), a prediction
 *       line of mcnd's shape (sha256, label, ten probabilities, time), and a
 *       durable journal in SQLite (WAL, synchronous=FULL): a batch's rows
 *       committed before its lines are written, deleted in a second
 *       transaction after the moves. Still no network (its forward pass over
 *       a batch is a few oneDNN products), no review, no settle check, no
 *       identity checks, no start-up beyond opening the database.
 *
 * Renames into one folder are serialized by the kernel; so are the two
 * threads' SQLite writes (one writer at a time, as in mcnd).
 *   build: cc -O2 -pthread fs_floor.c -lpng -lcrypto -lsqlite3
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <png.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BATCH 256

static struct {
    int inbox, predicted, lines, count, contract;
    char **names;
    char database[4096];
    /* One connection, one writer at a time (as mcnd has): SQLite's busy handler would sleep instead. */
    pthread_mutex_t writer;
    sqlite3 *db;
    sqlite3_stmt *insert, *clear;
} shared = {.writer = PTHREAD_MUTEX_INITIALIZER};

static const char *labels[10] = {"Ankle_boot", "Bag", "Coat", "Dress", "Pullover",
                                 "Sandal", "Shirt", "Sneaker", "T-shirt_top", "Trouser"};

static void check(int rc, sqlite3 *db, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
}

/* The contract's per-request work: hash, decode, one line of mcnd's shape. */
static int contract_line(const char *name, const unsigned char *bytes, ssize_t size, char *line, size_t room) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    char hex[2 * SHA256_DIGEST_LENGTH + 1];
    SHA256(bytes, (size_t)size, digest);
    for (int k = 0; k < SHA256_DIGEST_LENGTH; k++) sprintf(hex + 2 * k, "%02x", digest[k]);
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    unsigned char pixels[28 * 28 * 4];
    int sum = 0;
    if (png_image_begin_read_from_memory(&image, bytes, (size_t)size)) {
        image.format = PNG_FORMAT_GRAY;
        if (PNG_IMAGE_SIZE(image) <= sizeof pixels && png_image_finish_read(&image, NULL, pixels, 0, NULL))
            for (size_t k = 0; k < PNG_IMAGE_SIZE(image); k++) sum += pixels[k];
        png_image_free(&image);
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int used = snprintf(line, room, "{\"file\":\"%s\",\"sha256\":\"%s\",\"label\":\"%s\",\"confidence\":%.8g,\"probabilities\":{",
                        name, hex, labels[sum % 10], sum / 200000.0);
    for (int k = 0; k < 10; k++)
        used += snprintf(line + used, room - used, "%s\"%s\":%.8g", k ? "," : "", labels[k], (sum % (k + 7)) / 1e3);
    used += snprintf(line + used, room - used, "},\"model_version\":1,\"time\":\"%lld.%03ld\"}\n", (long long)now.tv_sec,
                     now.tv_nsec / 1000000);
    return used;
}

static void *work(void *arg) {
    long first = (long)arg;
    unsigned char *buffer = malloc(1 << 16);
    char *lines = malloc(BATCH * 1024);
    int used = 0, done = 0, batch[BATCH], count = 0;
    sqlite3 *db = shared.db;
    sqlite3_stmt *insert = shared.insert, *clear = shared.clear;
    int starts[BATCH], ends[BATCH];
    for (int i = (int)first; i < shared.count; i += 2) {
        struct stat st;
        fstatat(shared.inbox, shared.names[i], &st, AT_SYMLINK_NOFOLLOW);
        int fd = openat(shared.inbox, shared.names[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        ssize_t got = fd < 0 ? -1 : read(fd, buffer, 1 << 16);
        if (fd >= 0) close(fd);
        int start = used;
        if (shared.contract)
            used += contract_line(shared.names[i], buffer, got, lines + used, 1024);
        else
            used += snprintf(lines + used, 320, "{\"file\":\"%s\",\"bytes\":%zd}\n", shared.names[i], got);
        starts[count] = start, ends[count] = used;
        batch[count++] = i;
        if (++done % BATCH == 0 || i + 2 >= shared.count) {
            /* The order a journaled batch keeps: commit, lines, moves, clear. */
            if (shared.contract) {
                pthread_mutex_lock(&shared.writer);
                check(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), db, "begin");
                for (int k = 0; k < count; k++) {
                    sqlite3_bind_text(insert, 1, shared.names[batch[k]], -1, SQLITE_STATIC);
                    sqlite3_bind_text(insert, 2, shared.names[batch[k]], -1, SQLITE_STATIC);
                    sqlite3_bind_text(insert, 3, lines + starts[k], ends[k] - starts[k], SQLITE_STATIC);
                    check(sqlite3_step(insert), db, "insert");
                    sqlite3_reset(insert);
                }
                check(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), db, "commit");
                pthread_mutex_unlock(&shared.writer);
            }
            if (write(shared.lines, lines, used) != used) perror("write");
            used = 0;
            fsync(shared.lines);
            for (int k = 0; k < count; k++)
                if (renameat2(shared.inbox, shared.names[batch[k]], shared.predicted, shared.names[batch[k]], RENAME_NOREPLACE) != 0)
                    perror("rename");
            fsync(shared.inbox);
            fsync(shared.predicted);
            if (shared.contract) {
                pthread_mutex_lock(&shared.writer);
                check(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), db, "begin");
                for (int k = 0; k < count; k++) {
                    sqlite3_bind_text(clear, 1, shared.names[batch[k]], -1, SQLITE_STATIC);
                    check(sqlite3_step(clear), db, "delete");
                    sqlite3_reset(clear);
                }
                check(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), db, "commit");
                pthread_mutex_unlock(&shared.writer);
            }
            count = 0;
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "--contract") == 0) {
        shared.contract = 1;
        argv++, argc--;
    }
    if (argc != 2) { fprintf(stderr, "usage: fs_floor [--contract] ROOT\n"); return 2; }
    int root = open(argv[1], O_RDONLY | O_DIRECTORY);
    shared.inbox = openat(root, "inbox", O_RDONLY | O_DIRECTORY);
    mkdirat(root, "archive", 0755);
    mkdirat(root, "archive/predicted", 0755);
    shared.predicted = openat(root, "archive/predicted", O_RDONLY | O_DIRECTORY);
    shared.lines = openat(root, "outbox/predictions.jsonl", O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (root < 0 || shared.inbox < 0 || shared.predicted < 0 || shared.lines < 0) { perror(argv[1]); return 1; }
    if (shared.contract) {
        snprintf(shared.database, sizeof shared.database, "%s/state/floor.sqlite", argv[1]);
        sqlite3 *db;
        if (sqlite3_open(shared.database, &db) != SQLITE_OK) { fprintf(stderr, "%s: %s\n", shared.database, sqlite3_errmsg(db)); return 1; }
        check(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE IF NOT EXISTS journal(id INTEGER "
                               "PRIMARY KEY, source TEXT, destination TEXT, line TEXT); CREATE INDEX IF NOT EXISTS journal_source "
                               "ON journal(source);",
                           NULL, NULL, NULL), db, "schema");
        check(sqlite3_prepare_v2(db, "INSERT INTO journal(source, destination, line) VALUES (?, ?, ?)", -1, &shared.insert, NULL), db,
              "prepare");
        check(sqlite3_prepare_v2(db, "DELETE FROM journal WHERE source = ?", -1, &shared.clear, NULL), db, "prepare");
        shared.db = db;
    }
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
