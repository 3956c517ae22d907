/* The advice catalogue: what the runbook says to do about each cause. */
#include "gomemdx/findings.h"

static const char *const advice_en[GMX_CAT_COUNT] = {
    [GMX_CAT_NONE] = NULL,
    [GMX_CAT_CHAN_SEND_BLOCKED] =
        "The send has no receiver left (the caller gave up, e.g. on a timeout) or the buffer "
        "is full. Give the channel a buffer of one so the sender can always finish, or make "
        "the send a select that also waits on ctx.Done().",
    [GMX_CAT_CHAN_RECV_BLOCKED] =
        "Nobody will send on this channel again, or it is never closed. Close the channel "
        "when the producer is done (a `for range` loop then ends), and make the receive a "
        "select on ctx.Done() so it can give up. A time.Ticker's channel is never closed, "
        "not even by Stop: a `for range ticker.C` loop needs that select to end, and "
        "`defer ticker.Stop()`.",
    [GMX_CAT_NIL_CHAN] =
        "A send or receive on a nil channel blocks forever. Initialise the channel with make "
        "before the goroutine that uses it starts.",
    [GMX_CAT_SELECT_BLOCKED] =
        "No case of this select will become ready: whoever was to send on its channels "
        "returned without sending (an error path), or the channel it waits to see closed "
        "stays open. Make every path of the senders send or close (a buffer of one per "
        "answer, a deferred close), and give the select a case on the caller's ctx.Done() so "
        "it returns when the caller gives up.",
    [GMX_CAT_MUTEX_HELD] =
        "Goroutines pile up waiting for a lock that is not released, typically on an error "
        "path that returns before Unlock. Use `mu.Lock(); defer mu.Unlock()` and keep the "
        "critical section short.",
    [GMX_CAT_WAITGROUP_MISMATCH] =
        "Wait never returns because Add and Done do not match. Call Add before starting each "
        "goroutine and `defer wg.Done()` as the goroutine's first statement, on every path.",
    [GMX_CAT_COND_WAIT] =
        "Waiters on this sync.Cond are never signalled. Make every state change that can "
        "satisfy the condition call Signal or Broadcast, or replace the Cond with a channel "
        "and a context.",
    [GMX_CAT_IO_NO_TIMEOUT] =
        "Network I/O without a deadline waits forever when the peer never answers. Set a "
        "timeout (http.Client{Timeout: ...}, net.Dialer timeouts, conn.SetDeadline) or pass "
        "a context with a deadline to the request.",
    [GMX_CAT_GOROUTINE_SURGE] =
        "Goroutines are created faster than they finish. Bound the concurrency with a worker "
        "pool or a semaphore (a buffered channel) instead of one goroutine per item.",
    [GMX_CAT_DEADLOCK] =
        "Every goroutine is blocked. Look at the goroutines holding the locks or channels the "
        "others wait for; enforce one lock order and avoid sends with no receiver.",
    [GMX_CAT_HEAP_GROWTH] =
        "In-use memory allocated here keeps growing. Find what keeps these objects reachable "
        "(a global, a cache, a long-lived slice or map) and bound or release it.",
    [GMX_CAT_MAP_GROWTH] =
        "This map keeps growing or is rebuilt large on every request. Bound it (an LRU or TTL "
        "cache), delete entries when done, or build it once and share it.",
    [GMX_CAT_SLICE_RETENTION] =
        "A small slice of a large backing array keeps the whole array alive. Copy the bytes "
        "you keep (append([]byte(nil), b[:n]...) or bytes.Clone) and let the buffer go.",
    [GMX_CAT_TIMER_LEAK] =
        "Timers or tickers are created and never stopped. `defer t.Stop()` every "
        "time.NewTicker/NewTimer, and do not use time.After inside a long-running loop.",
    [GMX_CAT_GOROUTINE_STACKS] =
        "The stacks of many goroutines hold this memory. Fix the goroutine leak or bound the "
        "number of goroutines.",
    [GMX_CAT_ALLOC_SPIKE] =
        "Each request does a large amount of allocation (e.g. building a huge map from "
        "uploaded data). Build it once and cache it, or bound the work per request.",
    [GMX_CAT_ESCAPE] =
        "This value escapes to the heap on a hot path. Pass small values instead of pointers, "
        "preallocate slices, and avoid interface boxing where it is hot.",
};

const char *gmx_category_advice(gmx_category c)
{
    return (unsigned)c < GMX_CAT_COUNT ? advice_en[c] : NULL;
}

/* The same catalogue in Chinese, for the runbook's readers (--lang zh). */
static const char *const advice_zh[GMX_CAT_COUNT] = {
    [GMX_CAT_NONE] = NULL,
    [GMX_CAT_CHAN_SEND_BLOCKED] =
        "写 channel 阻塞：接收方已经不在（例如调用方超时返回）或缓冲区已满。给 channel 一个大小为 1 的缓冲，"
        "保证发送方总能完成；或者用 select 同时等待 ctx.Done()。",
    [GMX_CAT_CHAN_RECV_BLOCKED] =
        "读 channel 阻塞：不会再有人往这个 channel 写数据，或者它从未被关闭。生产者结束时关闭 channel"
        "（`for range` 循环随之结束），并用 select 同时等待 ctx.Done()，让接收方可以放弃。"
        "time.Ticker 的 channel 永不关闭，调用 Stop 也不会：`for range ticker.C` 循环需要这样的 "
        "select 才能结束，并 `defer ticker.Stop()`。",
    [GMX_CAT_NIL_CHAN] =
        "对 nil channel 的读写会永远阻塞。在启动使用它的 goroutine 之前用 make 初始化 channel。",
    [GMX_CAT_SELECT_BLOCKED] =
        "select 的所有 case 都不会就绪：本该向其 channel 发送的一方没有发送就返回了（错误路径），"
        "或它等待关闭的 channel 一直没有关闭。让发送方的每条路径都发送或关闭（每个应答一个大小为 1 的缓冲，"
        "用 defer 关闭），并给 select 加一个调用方 ctx.Done() 的 case，调用方放弃时它就能返回。",
    [GMX_CAT_MUTEX_HELD] =
        "互斥锁未释放，goroutine 堆积在 Lock 上，常见于错误分支提前 return 而没有 Unlock。使用 "
        "`mu.Lock(); defer mu.Unlock()`，并让临界区尽量短。",
    [GMX_CAT_WAITGROUP_MISMATCH] =
        "WaitGroup 的 Add 与 Done 数量不匹配，Wait 永远不返回。在启动每个 goroutine 之前调用 Add，"
        "并在 goroutine 第一行写 `defer wg.Done()`，保证每条路径都会执行。",
    [GMX_CAT_COND_WAIT] =
        "sync.Cond 上的等待者从未被唤醒。每次可能满足条件的状态变化都要调用 Signal 或 Broadcast，"
        "或者改用 channel 加 context。",
    [GMX_CAT_IO_NO_TIMEOUT] =
        "I/O 没有设置超时：对端不返回时会一直等待。设置超时（http.Client{Timeout: ...}、net.Dialer "
        "超时、conn.SetDeadline），或给请求传入带截止时间的 context。",
    [GMX_CAT_GOROUTINE_SURGE] =
        "goroutine 的创建速度快于结束速度。用 worker pool 或信号量（带缓冲的 channel）限制并发，"
        "不要每个任务开一个 goroutine。",
    [GMX_CAT_DEADLOCK] =
        "所有 goroutine 都阻塞了。检查持有其他 goroutine 所等待的锁或 channel 的 goroutine；"
        "统一加锁顺序，避免没有接收方的发送。",
    [GMX_CAT_HEAP_GROWTH] =
        "这里分配的内存持续增长。找出是什么让这些对象一直可达（全局变量、缓存、长期存在的 slice 或 map），"
        "并加以限制或及时释放。",
    [GMX_CAT_MAP_GROWTH] =
        "这个 map 持续增长，或者每个请求都重新构建一个很大的 map。给它设上限（LRU 或 TTL 缓存），"
        "用完删除条目，或者只构建一次并共享。",
    [GMX_CAT_SLICE_RETENTION] =
        "一个小 slice 引用着大数组，使整个数组无法被回收。把需要保留的字节拷贝出来"
        "（append([]byte(nil), b[:n]...) 或 bytes.Clone），让大缓冲区被释放。",
    [GMX_CAT_TIMER_LEAK] =
        "创建的 timer 或 ticker 从未停止。每个 time.NewTicker/NewTimer 都要 `defer t.Stop()`，"
        "不要在长期运行的循环里使用 time.After。",
    [GMX_CAT_GOROUTINE_STACKS] =
        "大量 goroutine 的栈占用了这部分内存。修复 goroutine 泄露，或限制 goroutine 数量。",
    [GMX_CAT_ALLOC_SPIKE] =
        "每个请求都做了大量分配（例如根据上传的数据构建巨大的 map），在高 QPS 下瞬间耗尽内存。"
        "只构建一次并缓存，或限制每个请求的工作量。",
    [GMX_CAT_ESCAPE] =
        "这个值在热路径上逃逸到了堆上。传小的值而不是指针，预先分配 slice，避免在热路径上装箱为接口。",
};

const char *gmx_category_advice_zh(gmx_category c)
{
    return (unsigned)c < GMX_CAT_COUNT ? advice_zh[c] : NULL;
}
