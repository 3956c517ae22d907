/* Workers take the next item under a lock, no further than the window
 * ahead of the merge (memory stays bounded by the window, not by n); the
 * caller waits for each item in turn and merges it. */
#include "util/pipeline.h"
#include "util/alloc.h"

#include <pthread.h>
#include <unistd.h>

enum { MAX_THREADS = 64 };

typedef struct run {
    const gmx_pipeline *p;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    bool *done;
    size_t next, merged, window;
    bool stop;
} run;

unsigned gmx_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

typedef struct worker_arg {
    run *r;
    unsigned index;
} worker_arg;

static void work(const gmx_pipeline *p, size_t i, unsigned worker)
{
    if (p->work_on)
        p->work_on(p->ctx, i, worker);
    else
        p->work(p->ctx, i);
}

static void *worker(void *arg)
{
    run *r = ((worker_arg *)arg)->r;
    unsigned index = ((worker_arg *)arg)->index;
    pthread_mutex_lock(&r->lock);
    for (;;) {
        while (!r->stop && r->next < r->p->n && r->next >= r->merged + r->window)
            pthread_cond_wait(&r->changed, &r->lock);
        if (r->stop || r->next >= r->p->n)
            break;
        size_t i = r->next++;
        pthread_mutex_unlock(&r->lock);
        work(r->p, i, index);
        pthread_mutex_lock(&r->lock);
        r->done[i] = true;
        pthread_cond_broadcast(&r->changed);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

static bool sequential(const gmx_pipeline *p)
{
    for (size_t i = 0; i < p->n; i++) {
        work(p, i, 0);
        if (!p->merge(p->ctx, i))
            return false;
    }
    return true;
}

static bool merge_in_order(run *r)
{
    for (size_t i = 0; i < r->p->n; i++) {
        pthread_mutex_lock(&r->lock);
        while (!r->done[i])
            pthread_cond_wait(&r->changed, &r->lock);
        pthread_mutex_unlock(&r->lock);
        bool ok = r->p->merge(r->p->ctx, i);
        pthread_mutex_lock(&r->lock);
        r->merged = i + 1;
        r->stop = !ok;
        pthread_cond_broadcast(&r->changed);
        pthread_mutex_unlock(&r->lock);
        if (!ok)
            return false;
    }
    return true;
}

unsigned gmx_pipeline_workers(const gmx_pipeline *p)
{
    unsigned threads = p->threads ? p->threads : gmx_cpu_count();
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    if (threads > p->n)
        threads = (unsigned)p->n;
    return threads ? threads : 1;
}

bool gmx_pipeline_run(const gmx_pipeline *p)
{
    unsigned threads = gmx_pipeline_workers(p);
    if (threads <= 1)
        return sequential(p);
    run r = { .p = p, .window = p->window ? p->window : 2 * (size_t)threads };
    if (!(r.done = gmx_calloc(p->n, sizeof(*r.done))))
        return sequential(p);
    pthread_mutex_init(&r.lock, NULL);
    pthread_cond_init(&r.changed, NULL);
    pthread_t tid[MAX_THREADS];
    worker_arg args[MAX_THREADS];
    unsigned started = 0;
    while (started < threads) {
        args[started] = (worker_arg){ &r, started };
        if (pthread_create(&tid[started], NULL, worker, &args[started]) != 0)
            break;
        started++;
    }
    bool ok;
    if (started) {
        ok = merge_in_order(&r);
    } else {
        ok = sequential(p);
    }
    for (unsigned t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    pthread_cond_destroy(&r.changed);
    pthread_mutex_destroy(&r.lock);
    gmx_free(r.done);
    return ok;
}
