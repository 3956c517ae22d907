/* store/: the watch history in SQLite — schema, samples, gaps, captures
 * with their files, reading back, resuming after reopening, and that a
 * kill -9 loses no sample reported stored. */
#include "testutil.h"
#include "gomemdx/store.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *temp_path(char *buf, size_t n)
{
    snprintf(buf, n, "/tmp/gmx-store-XXXXXX");
    int fd = mkstemp(buf);
    assert_true(fd >= 0);
    close(fd);
    unlink(buf);
    return buf;
}

static void remove_store(const char *path)
{
    char p[600];
    unlink(path);
    snprintf(p, sizeof(p), "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", path);
    unlink(p);
}

static gmx_msample sample(int64_t t, uint64_t goroutines, uint64_t heap)
{
    gmx_msample m = { 0 };
    m.time_ns = t;
    m.has_goroutines = true;
    m.goroutines = goroutines;
    m.mem.present = heap != 0;
    m.mem.heap_inuse = heap;
    return m;
}

/* Resident memory of this process (bytes), from /proc. */
static long resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, resident = 0;
    if (f) {
        assert_int_equal(fscanf(f, "%ld %ld", &size, &resident), 2);
        fclose(f);
    }
    return resident * sysconf(_SC_PAGESIZE);
}

static int collect_file(void *ctx, const gmx_store_file *f)
{
    char *names = ctx;
    strcat(names, f->name);
    strcat(names, ";");
    return f->len == 5 && memcmp(f->data, "hello", 5) != 0;
}

/* "NAME=LEN;": a file listed without its bytes. */
static int collect_name_len(void *ctx, const gmx_store_file *f)
{
    char *names = ctx;
    sprintf(names + strlen(names), "%s=%zu;", f->name, f->len);
    return f->data != NULL;
}

static void test_store__writes_read_back_and_resume(void **state)
{
    (void)state;
    char path[64];
    temp_path(path, sizeof(path));
    gmx_store *s;
    int64_t a, b, again, cap;
    assert_int_equal(gmx_store_open(path, GMX_STORE_CREATE, &s, NULL), GMX_OK);
    assert_int_equal(gmx_store_target(s, "http://127.0.0.1:1", 1, &a, NULL), GMX_OK);
    assert_int_equal(gmx_store_target(s, "http://127.0.0.1:2", 1, &b, NULL), GMX_OK);
    assert_true(a != b);
    for (int i = 0; i < 5; i++) {
        gmx_msample m = sample(1000 + i, 10u + (uint64_t)i, i == 2 ? 0 : 4096);
        assert_int_equal(gmx_store_add_sample(s, a, &m, NULL), GMX_OK);
    }
    assert_int_equal(gmx_store_add_gap(s, b, 1500, "down", "GET x: down: refused", NULL), GMX_OK);
    gmx_store_file files[] = { { "goroutine.debug2.txt", "hello", 5 }, { "heap.pb.gz", "", 0 } };
    assert_int_equal(gmx_store_add_capture(s, a, 1004, "goroutines 14 rising", true, files, 2,
                                           &cap, NULL),
                     GMX_OK);
    assert_int_equal(gmx_store_set_summary(s, cap, "#1 chan-send-blocked", NULL), GMX_OK);
    gmx_store_close(s);

    /* Reopened by a writer (watch resuming): the same ids, everything there. */
    assert_int_equal(gmx_store_open(path, GMX_STORE_CREATE, &s, NULL), GMX_OK);
    assert_int_equal(gmx_store_target(s, "http://127.0.0.1:1", 9, &again, NULL), GMX_OK);
    assert_int_equal(again, a);
    gmx_store_target_info *t;
    size_t nt;
    assert_int_equal(gmx_store_list_targets(s, &t, &nt, NULL), GMX_OK);
    assert_int_equal(nt, 2);
    assert_int_equal(t[0].samples, 5);
    assert_int_equal(t[0].captures, 1);
    assert_int_equal(t[0].first_ns, 1000);
    assert_int_equal(t[0].last_ns, 1004);
    assert_int_equal(t[1].gaps, 1);
    assert_string_equal(t[1].last_gap, "down: GET x: down: refused");
    gmx_store_targets_free(t, nt);

    gmx_msample *m;
    size_t nm;
    assert_int_equal(gmx_store_samples(s, a, 3, &m, &nm, NULL), GMX_OK);
    assert_int_equal(nm, 3);
    assert_int_equal(m[0].time_ns, 1002);
    assert_false(m[0].mem.present);
    assert_int_equal(m[2].goroutines, 14);
    assert_int_equal(m[2].mem.heap_inuse, 4096);
    gmx_store_samples_free(m);

    gmx_store_capture_info *c;
    size_t nc;
    assert_int_equal(gmx_store_list_captures(s, 0, &c, &nc, NULL), GMX_OK);
    assert_int_equal(nc, 1);
    assert_int_equal(c[0].files, 2);
    assert_int_equal(c[0].bytes, 5);
    assert_string_equal(c[0].summary, "#1 chan-send-blocked");
    gmx_store_captures_free(c, nc);
    char names[128] = "";
    assert_int_equal(gmx_store_capture_files(s, cap, collect_file, names, NULL), GMX_OK);
    assert_string_equal(names, "goroutine.debug2.txt;heap.pb.gz;");
    /* Names and lengths alone, then one file by its name. */
    names[0] = '\0';
    assert_int_equal(gmx_store_capture_file_names(s, cap, collect_name_len, names, NULL), GMX_OK);
    assert_string_equal(names, "goroutine.debug2.txt=5;heap.pb.gz=0;");
    names[0] = '\0';
    assert_int_equal(gmx_store_capture_file(s, cap, "heap.pb.gz", collect_file, names, NULL), GMX_OK);
    assert_string_equal(names, "heap.pb.gz;");
    names[0] = '\0';
    assert_int_equal(gmx_store_capture_file(s, cap, "nope", collect_file, names, NULL), GMX_OK);
    assert_string_equal(names, "");

    gmx_error err;
    assert_int_equal(gmx_store_capture_files(s, 99, collect_file, names, &err), GMX_EUSAGE);
    assert_int_equal(gmx_store_find_target(s, "nope", &again, &err), GMX_EUSAGE);
    assert_int_equal(gmx_store_find_target(s, "2", &again, NULL), GMX_OK);
    assert_int_equal(again, b);
    gmx_store_close(s);
    remove_store(path);
}

/* What watch does every interval for a week at the default 10 s: a sample
 * stored, the last rule window read back on resume. The process's memory
 * stays flat: what grows is the file, not the writer. The store is put in
 * /dev/shm when there is one (synchronous=FULL on a disk costs minutes). */
static void test_store__a_week_of_samples_keeps_memory_flat(void **state)
{
    (void)state;
    char path[64];
    struct stat st;
    bool shm = stat("/dev/shm", &st) == 0 && access("/dev/shm", W_OK) == 0;
    snprintf(path, sizeof(path), "%s/gmx-week-%ld.db", shm ? "/dev/shm" : "/tmp", (long)getpid());
    remove_store(path);
    gmx_store *s;
    int64_t t;
    assert_int_equal(gmx_store_open(path, GMX_STORE_CREATE, &s, NULL), GMX_OK);
    assert_int_equal(gmx_store_target(s, "http://127.0.0.1:1", 1, &t, NULL), GMX_OK);
    const int per_day = 24 * 360, days = 7;
    long after_day_one = 0;
    for (int i = 0; i < days * per_day; i++) {
        int64_t at = (int64_t)i * 10000000000LL;
        gmx_msample m = sample(at, 100u + (uint64_t)i / 100, 64u << 20);
        assert_int_equal(gmx_store_add_sample(s, t, &m, NULL), GMX_OK);
        if (i % 3600 == 0) {
            gmx_msample *w;
            size_t n;
            assert_int_equal(gmx_store_samples(s, t, 60, &w, &n, NULL), GMX_OK);
            assert_true(n > 0 && n <= 60);
            gmx_store_samples_free(w);
        }
        if (i == per_day)
            after_day_one = resident_bytes();
    }
    long growth = resident_bytes() - after_day_one;
    gmx_store_close(s);
    remove_store(path);
    /* SQLite's page cache is bounded (2 MiB by default); 6 days more of
     * samples must not show. Not under AddressSanitizer, whose quarantine
     * keeps freed memory resident on purpose. */
#ifndef __SANITIZE_ADDRESS__
    assert_true(growth < 8L << 20);
#else
    (void)growth;
#endif
}

static void test_store__refuses_what_is_not_a_store(void **state)
{
    (void)state;
    char path[64];
    gmx_store *s = NULL;
    gmx_error err;
    temp_path(path, sizeof(path));
    assert_int_equal(gmx_store_open(path, GMX_STORE_READ, &s, &err), GMX_EIO);
    assert_non_null(strstr(err.message, "no such store"));
    FILE *f = fopen(path, "w");
    fputs("not a database, just text that is long enough to be looked at by sqlite", f);
    fclose(f);
    assert_int_equal(gmx_store_open(path, GMX_STORE_CREATE, &s, &err), GMX_EIO);
    assert_null(s);
    remove_store(path);
}

/* Readers (history, diagnose --store) open a store they cannot write: a
 * child that can write neither the file nor its folder (modes 0444 and
 * 0555 and, as root, running as nobody) still lists its targets, and
 * leaves the file as it was. */
static void test_store__reads_a_store_it_cannot_write(void **state)
{
    (void)state;
    char dir[] = "/tmp/gmx-store-ro-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/gomemdx.db", dir);
    gmx_store *s;
    int64_t id;
    assert_int_equal(gmx_store_open(path, GMX_STORE_CREATE, &s, NULL), GMX_OK);
    assert_int_equal(gmx_store_target(s, "http://127.0.0.1:1", 1, &id, NULL), GMX_OK);
    gmx_store_close(s);
    /* Neither the file nor its folder (where SQLite's -shm would go). */
    assert_int_equal(chmod(path, 0444), 0);
    assert_int_equal(chmod(dir, 0555), 0);
    struct stat before, after;
    assert_int_equal(stat(path, &before), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(3);
        gmx_error err = { 0 };
        gmx_store_target_info *t = NULL;
        size_t nt = 0;
        if (gmx_store_open(path, GMX_STORE_READ, &s, &err) != GMX_OK) {
            fprintf(stderr, "%s\n", err.message);
            _exit(1);
        }
        int ok = gmx_store_list_targets(s, &t, &nt, &err) == GMX_OK && nt == 1;
        gmx_store_targets_free(t, nt);
        gmx_store_close(s);
        _exit(ok ? 0 : 2);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(stat(path, &after), 0);
    assert_int_equal(before.st_size, after.st_size);
    assert_int_equal(before.st_mtime, after.st_mtime);
    assert_int_equal(chmod(dir, 0700), 0);
    remove_store(path);
    assert_int_equal(rmdir(dir), 0);
}

/* A child stores samples and reports each on a pipe once stored; killed
 * with SIGKILL mid-stream, every reported sample is in the store. */
static void test_store__kill_9_loses_nothing_reported(void **state)
{
    (void)state;
    char path[64];
    temp_path(path, sizeof(path));
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        gmx_store *s;
        int64_t id;
        if (gmx_store_open(path, GMX_STORE_CREATE, &s, NULL) || gmx_store_target(s, "u", 0, &id, NULL))
            _exit(1);
        for (int64_t i = 1;; i++) {
            gmx_msample m = sample(i, (uint64_t)i, 1);
            if (gmx_store_add_sample(s, id, &m, NULL) != GMX_OK ||
                write(fds[1], &i, sizeof(i)) != sizeof(i))
                _exit(1);
        }
    }
    close(fds[1]);
    int64_t reported = 0, v;
    while (reported < 40 && read(fds[0], &v, sizeof(v)) == sizeof(v))
        reported = v;
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    while (read(fds[0], &v, sizeof(v)) == sizeof(v))
        reported = v;
    close(fds[0]);
    gmx_store *s;
    int64_t id;
    assert_int_equal(gmx_store_open(path, GMX_STORE_CREATE, &s, NULL), GMX_OK);
    assert_int_equal(gmx_store_target(s, "u", 0, &id, NULL), GMX_OK);
    gmx_msample *m;
    size_t n;
    assert_int_equal(gmx_store_samples(s, id, 0, &m, &n, NULL), GMX_OK);
    if ((int64_t)n < reported)
        fail_msg("%zu samples stored, %lld reported", n, (long long)reported);
    gmx_store_samples_free(m);
    gmx_store_close(s);
    remove_store(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store__writes_read_back_and_resume),
        cmocka_unit_test(test_store__a_week_of_samples_keeps_memory_flat),
        cmocka_unit_test(test_store__refuses_what_is_not_a_store),
        cmocka_unit_test(test_store__reads_a_store_it_cannot_write),
        cmocka_unit_test(test_store__kill_9_loses_nothing_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
