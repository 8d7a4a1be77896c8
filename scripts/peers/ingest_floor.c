/* scripts/bench-pipeline's floor for `ingest`, on both cores (two threads,
 * each taking every other file, 1024 files a batch as mcnd's default): only
 * what the contract asks of every labeled example, in C —
 *   per file: a stat, open, read and close, its SHA-256, its PNG decoded
 *       (libpng's simplified API, to 8-bit grey);
 *   per batch: one SQLite transaction (WAL, synchronous=FULL) inserting the
 *       examples (sha256 unique, label, pixels) and a journal row per file,
 *       with the journal rows of the thread's batch before deleted in it;
 *       then the renames from inbox/<label>/ to archive/labeled/<label>/ and
 *       an fsync of both folders.
 * No duplicate or conflict decisions, no settle or identity checks, no review
 * corrections, no start-up beyond opening the database.
 *
 *   ingest_floor ROOT     (the PNGs in ROOT/inbox/LABEL/; ROOT/state/floor.sqlite)
 *   build: cc -O2 -pthread ingest_floor.c -lpng -lcrypto -lsqlite3
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <openssl/sha.h>
#include <png.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BATCH 1024
#define LABELS 64

static struct {
    int count, labels, inbox[LABELS], archive[LABELS];
    char *label[LABELS];
    struct { int label; char *name; } *files;
    pthread_mutex_t writer;
    sqlite3 *db;
    sqlite3_stmt *example, *journal, *clear;
} shared = {.writer = PTHREAD_MUTEX_INITIALIZER};

static void check(int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(shared.db));
}

static void *work(void *arg) {
    unsigned char *buffer = malloc(1 << 16), (*pixels)[28 * 28] = malloc(BATCH * 28 * 28);
    char (*hex)[2 * SHA256_DIGEST_LENGTH + 1] = malloc(BATCH * (2 * SHA256_DIGEST_LENGTH + 1));
    int batch[BATCH], count = 0;
    sqlite3_int64 ids[BATCH], previous[BATCH];
    int previousCount = 0;
    for (int i = (int)(long)arg; i < shared.count; i += 2) {
        int label = shared.files[i].label;
        const char *name = shared.files[i].name;
        struct stat st;
        fstatat(shared.inbox[label], name, &st, AT_SYMLINK_NOFOLLOW);
        int fd = openat(shared.inbox[label], name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        ssize_t got = fd < 0 ? -1 : read(fd, buffer, 1 << 16);
        if (fd >= 0) close(fd);
        unsigned char digest[SHA256_DIGEST_LENGTH];
        SHA256(buffer, got > 0 ? (size_t)got : 0, digest);
        for (int k = 0; k < SHA256_DIGEST_LENGTH; k++) sprintf(hex[count] + 2 * k, "%02x", digest[k]);
        png_image image;
        memset(&image, 0, sizeof image);
        image.version = PNG_IMAGE_VERSION;
        memset(pixels[count], 0, 28 * 28);
        if (got > 0 && png_image_begin_read_from_memory(&image, buffer, (size_t)got)) {
            image.format = PNG_FORMAT_GRAY;
            if (PNG_IMAGE_SIZE(image) <= 28 * 28) png_image_finish_read(&image, NULL, pixels[count], 0, NULL);
            png_image_free(&image);
        }
        batch[count++] = i;
        if (count < BATCH && i + 2 < shared.count) continue;
        /* The order a journaled batch keeps: commit (clearing the batch before's rows), moves, folder fsyncs. */
        pthread_mutex_lock(&shared.writer);
        check(sqlite3_exec(shared.db, "BEGIN IMMEDIATE", NULL, NULL, NULL), "begin");
        for (int k = 0; k < previousCount; k++) {
            sqlite3_bind_int64(shared.clear, 1, previous[k]);
            check(sqlite3_step(shared.clear), "delete");
            sqlite3_reset(shared.clear);
        }
        for (int k = 0; k < count; k++) {
            const char *file = shared.files[batch[k]].name, *labelName = shared.label[shared.files[batch[k]].label];
            sqlite3_bind_text(shared.example, 1, hex[k], -1, SQLITE_STATIC);
            sqlite3_bind_text(shared.example, 2, labelName, -1, SQLITE_STATIC);
            sqlite3_bind_blob(shared.example, 3, pixels[k], 28 * 28, SQLITE_STATIC);
            check(sqlite3_step(shared.example), "insert example");
            sqlite3_reset(shared.example);
            sqlite3_bind_text(shared.journal, 1, file, -1, SQLITE_STATIC);
            sqlite3_bind_text(shared.journal, 2, labelName, -1, SQLITE_STATIC);
            check(sqlite3_step(shared.journal), "insert journal");
            ids[k] = sqlite3_last_insert_rowid(shared.db);
            sqlite3_reset(shared.journal);
        }
        check(sqlite3_exec(shared.db, "COMMIT", NULL, NULL, NULL), "commit");
        pthread_mutex_unlock(&shared.writer);
        for (int k = 0; k < count; k++) {
            int l = shared.files[batch[k]].label;
            const char *file = shared.files[batch[k]].name;
            if (renameat2(shared.inbox[l], file, shared.archive[l], file, RENAME_NOREPLACE) != 0) perror("rename");
        }
        for (int l = 0; l < shared.labels; l++) {
            int touched = 0;
            for (int k = 0; k < count && !touched; k++) touched = shared.files[batch[k]].label == l;
            if (touched) fsync(shared.inbox[l]), fsync(shared.archive[l]);
        }
        memcpy(previous, ids, sizeof(ids[0]) * count);
        previousCount = count, count = 0;
    }
    pthread_mutex_lock(&shared.writer);
    for (int k = 0; k < previousCount; k++) {
        sqlite3_bind_int64(shared.clear, 1, previous[k]);
        check(sqlite3_step(shared.clear), "delete");
        sqlite3_reset(shared.clear);
    }
    pthread_mutex_unlock(&shared.writer);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: ingest_floor ROOT\n"); return 2; }
    int root = open(argv[1], O_RDONLY | O_DIRECTORY);
    int inbox = openat(root, "inbox", O_RDONLY | O_DIRECTORY);
    mkdirat(root, "archive", 0755);
    mkdirat(root, "archive/labeled", 0755);
    int labeled = openat(root, "archive/labeled", O_RDONLY | O_DIRECTORY);
    if (root < 0 || inbox < 0 || labeled < 0) { perror(argv[1]); return 1; }
    char database[4096];
    snprintf(database, sizeof database, "%s/state/floor.sqlite", argv[1]);
    if (sqlite3_open(database, &shared.db) != SQLITE_OK) { fprintf(stderr, "%s: %s\n", database, sqlite3_errmsg(shared.db)); return 1; }
    check(sqlite3_exec(shared.db,
                       "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                       "CREATE TABLE IF NOT EXISTS examples(id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, label TEXT, pixels BLOB);"
                       "CREATE TABLE IF NOT EXISTS journal(id INTEGER PRIMARY KEY, source TEXT, label TEXT);",
                       NULL, NULL, NULL), "schema");
    check(sqlite3_prepare_v2(shared.db, "INSERT OR IGNORE INTO examples(sha256, label, pixels) VALUES (?, ?, ?)", -1, &shared.example, NULL), "prepare");
    check(sqlite3_prepare_v2(shared.db, "INSERT INTO journal(source, label) VALUES (?, ?)", -1, &shared.journal, NULL), "prepare");
    check(sqlite3_prepare_v2(shared.db, "DELETE FROM journal WHERE id = ?", -1, &shared.clear, NULL), "prepare");
    int capacity = 1024;
    shared.files = malloc(sizeof(shared.files[0]) * capacity);
    DIR *top = fdopendir(dup(inbox));
    struct dirent *e;
    while ((e = readdir(top)) && shared.labels < LABELS) {
        if (e->d_name[0] == '.' || e->d_type != DT_DIR) continue;
        int l = shared.labels++;
        shared.label[l] = strdup(e->d_name);
        shared.inbox[l] = openat(inbox, e->d_name, O_RDONLY | O_DIRECTORY);
        mkdirat(labeled, e->d_name, 0755);
        shared.archive[l] = openat(labeled, e->d_name, O_RDONLY | O_DIRECTORY);
        DIR *listing = fdopendir(dup(shared.inbox[l]));
        struct dirent *f;
        while ((f = readdir(listing))) {
            if (f->d_name[0] == '.' || f->d_type == DT_DIR) continue;
            if (shared.count == capacity) shared.files = realloc(shared.files, sizeof(shared.files[0]) * (capacity *= 2));
            shared.files[shared.count].label = l;
            shared.files[shared.count++].name = strdup(f->d_name);
        }
        closedir(listing);
    }
    closedir(top);
    fsync(labeled);
    pthread_t threads[2];
    for (long k = 0; k < 2; k++) pthread_create(&threads[k], NULL, work, (void *)k);
    for (int k = 0; k < 2; k++) pthread_join(threads[k], NULL);
    sqlite3_close(shared.db);
    return 0;
}
