// Command gen_heap writes a large, realistic Go heap profile in profile.proto
// format (gzip), shaped exactly like the one runtime/pprof writes
// (WriteHeapProfile / GET /debug/pprof/heap), for benchmarking profile readers.
//
//	gen_heap [-samples 200000] [-seed 1] [-grow] [-minutes 0] [-series N] [-o heap.pb.gz]
//
// Only the standard library is used; the protobuf is hand-encoded.
//
// What "exactly the shape Go writes" means here (runtime/pprof protomem.go,
// proto.go, protobuf.go, checked against a real go1.27.4 heap profile):
//   - sample types alloc_objects/count, alloc_space/bytes, inuse_objects/count,
//     inuse_space/bytes; period_type space/bytes; period 524288; no
//     default_sample_type (so pprof shows inuse_space);
//   - top-level field order 11, 12, 1×4, then for each sample its new Location
//     messages, each followed by the Function messages it introduced, then the
//     Sample; then time_nanos (9), three Mappings (binary, [vdso],
//     [vsyscall]) and the string table last;
//   - string table in order of first use starting with ""; Function
//     system_name = name; Location fields id, address, lines, mapping_id;
//     Line.line innermost (inlined) first; ids assigned in order of first use;
//   - Sample: value packed (4 values), location_id packed only when there are
//     more than 2, then the "bytes" numeric label holding the object size;
//   - values are scaled exactly as runtime/pprof scaleHeapSample does
//     (1/(1-exp(-size/rate))), from sampled counts of one object size per
//     record (the runtime keys memory profile buckets by stack and size, so one
//     stack appears with several sizes);
//   - leading runtime frames are already dropped (the leaf is the first
//     non-runtime frame), goroutine stacks end at their start function (no
//     runtime.goexit), main-goroutine stacks end at runtime.main, and a few
//     all-runtime stacks (goroutine creation) are kept whole, as Go does;
//   - names follow Go 1.21+ proto naming: full generic shape names,
//     gowrapN wrappers, closures funcN.
//
// The model process is a large service (HTTP via gin and net/http, gRPC,
// Postgres via pgx, Redis, Kafka, zap logging, OpenTelemetry) with a deep,
// layered user call graph; hot paths follow Zipf laws so a few allocation
// sites hold most of the memory.
//
// -grow writes a "later" profile of the same process (same binary, functions
// and addresses; same seed): every site has allocated more, a few dozen sites
// retain much more memory (the leak to find with --base), and some new stacks
// appear first, as the runtime lists its newest buckets first. Location and
// function ids are renumbered, as in a real second profile.
//
// Output is deterministic for a given set of flags.
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"time"
)

const memProfileRate = 524288

// ---------------------------------------------------------------------------
// protobuf encoding (wire types 0 and 2 are all a profile needs)

type pbuf struct{ b []byte }

func (p *pbuf) varint(x uint64) {
	for x >= 0x80 {
		p.b = append(p.b, byte(x)|0x80)
		x >>= 7
	}
	p.b = append(p.b, byte(x))
}

func (p *pbuf) key(tag, wire int) { p.varint(uint64(tag)<<3 | uint64(wire)) }

// uint64Opt / int64Opt: omitted when zero, like runtime/pprof.
func (p *pbuf) uint64Opt(tag int, x uint64) {
	if x != 0 {
		p.key(tag, 0)
		p.varint(x)
	}
}

func (p *pbuf) int64Opt(tag int, x int64) { p.uint64Opt(tag, uint64(x)) }

func (p *pbuf) boolTrue(tag int) {
	p.key(tag, 0)
	p.varint(1)
}

// repeated scalars: packed only when there are more than 2 (runtime/pprof rule)
func (p *pbuf) uint64s(tag int, xs []uint64) {
	if len(xs) > 2 {
		var tmp pbuf
		for _, x := range xs {
			tmp.varint(x)
		}
		p.bytes(tag, tmp.b)
		return
	}
	for _, x := range xs {
		p.key(tag, 0)
		p.varint(x)
	}
}

func (p *pbuf) bytes(tag int, b []byte) {
	p.key(tag, 2)
	p.varint(uint64(len(b)))
	p.b = append(p.b, b...)
}

// ---------------------------------------------------------------------------
// the model process: functions, locations, samples

type function struct {
	name  string
	file  string
	start int64
	entry uint64
	size  uint64
	inl   bool // small enough to be inlined into its callers
}

type frame struct {
	fn   int32
	line int32
}

type location struct {
	addr  uint64
	lines []frame // innermost first
}

type userFn struct {
	fn      int32
	level   int
	callees []int32 // user function indices
	sites   []int32 // call-site line per callee
	allocLn int32   // line of a direct allocation
	tailLn  int32   // line where it calls into a library
	tails   []int   // library allocation chains it may call
}

type sample struct {
	locs []int32 // process-wide location indices, leaf first
	size int64   // object size (the runtime keys buckets by stack and size)
	a, u int64   // sampled allocated / in-use object counts
	leak bool
}

type model struct {
	seed                         uint64
	r                            *rand.Rand
	fns                          []function
	fnByName                     map[string]int32
	locs                         []location
	locByKey                     map[string]int32
	used                         map[uint64]bool
	nextAddr                     uint64
	user                         []userFn
	levels                       [][]int32 // user function indices per level
	tails                        [][]frame // library chains, leaf first
	tailKind                     []int     // size class per tail
	roots                        [][]frame // outer chains, leaf first (their first frame calls the user entry)
	rootW                        []float64
	svc, mod                     string
	gorootSrc, modCache, appRoot string
}

func (m *model) fn(name, file string, start int, inl bool) int32 {
	if i, ok := m.fnByName[name]; ok {
		return i
	}
	size := uint64(0x80 + m.r.IntN(0x1800))
	if inl {
		size = uint64(0x20 + m.r.IntN(0x60))
	}
	size = (size + 0x1f) &^ 0x1f
	f := function{name: name, file: file, start: int64(start), entry: m.nextAddr, size: size, inl: inl}
	m.nextAddr += size
	m.fns = append(m.fns, f)
	i := int32(len(m.fns) - 1)
	m.fnByName[name] = i
	return i
}

// location for one physical frame (inlined calls first)
func (m *model) location(lines []frame) int32 {
	kb := make([]byte, 0, len(lines)*8)
	for _, l := range lines {
		kb = append(kb, byte(l.fn), byte(l.fn>>8), byte(l.fn>>16), byte(l.fn>>24),
			byte(l.line), byte(l.line>>8), byte(l.line>>16), byte(l.line>>24))
	}
	key := string(kb)
	if i, ok := m.locByKey[key]; ok {
		return i
	}
	outer := &m.fns[lines[len(lines)-1].fn]
	// a call PC inside the physical (outermost) function; unique per location
	h := uint64(2166136261)
	for _, c := range kb {
		h = (h ^ uint64(c)) * 16777619
	}
	span := outer.size - 8
	off := 5 + h%span
	for tries := uint64(0); m.used[outer.entry+off]; tries++ {
		off = 5 + (off+13)%span
		if tries > span {
			break // a pathological function: accept a shared PC
		}
	}
	m.used[outer.entry+off] = true
	m.locs = append(m.locs, location{addr: outer.entry + off, lines: append([]frame(nil), lines...)})
	i := int32(len(m.locs) - 1)
	m.locByKey[key] = i
	return i
}

// turn logical frames (leaf first) into physical locations, merging frames of
// inlinable functions into their callers (up to 3 levels, as the Go inliner
// typically produces)
func (m *model) physical(logical []frame, out []int32) []int32 {
	var group []frame
	for i, f := range logical {
		group = append(group, f)
		last := i == len(logical)-1
		if !last && m.fns[f.fn].inl && len(group) < 4 {
			continue
		}
		out = append(out, m.location(group))
		group = group[:0]
	}
	return out
}

// ---------------------------------------------------------------------------
// library and framework frames (paths, names and lines from go1.27 and the
// named module versions)

type lf struct {
	name string
	file string // "$" GOROOT/src, "%" module cache
	line int
	inl  bool
}

func (m *model) path(p string) string {
	switch {
	case strings.HasPrefix(p, "$"):
		return m.gorootSrc + p[1:]
	case strings.HasPrefix(p, "%"):
		return m.modCache + p[1:]
	case strings.HasPrefix(p, "&"):
		return m.appRoot + p[1:]
	}
	return p
}

func (m *model) chain(fs []lf) []frame {
	out := make([]frame, 0, len(fs))
	for _, f := range fs {
		name := strings.ReplaceAll(f.name, "%M", m.mod)
		id := m.fn(name, m.path(f.file), f.line-1-m.r.IntN(40), f.inl)
		out = append(out, frame{id, int32(f.line)})
	}
	return out
}

// size classes for allocation kinds
const (
	kSmall  = iota // structs, small strings, map entries: 8..512 B
	kMedium        // buffers: 512 B..32 KiB
	kLarge         // big slices and maps: 32 KiB..8 MiB
	kMixed         // growslice-like: anything
)

var libTails = []struct {
	kind int
	fs   []lf
}{
	{kMixed, []lf{{"bytes.growSlice", "$bytes/buffer.go", 250, false}, {"bytes.(*Buffer).grow", "$bytes/buffer.go", 151, false}, {"bytes.(*Buffer).Write", "$bytes/buffer.go", 179, false}}},
	{kMixed, []lf{{"bytes.growSlice", "$bytes/buffer.go", 250, false}, {"bytes.(*Buffer).grow", "$bytes/buffer.go", 151, false}, {"bytes.(*Buffer).ReadFrom", "$bytes/buffer.go", 211, false}, {"io.copyBuffer", "$io/io.go", 415, false}, {"io.Copy", "$io/io.go", 388, true}}},
	{kMedium, []lf{{"strings.(*Builder).grow", "$strings/builder.go", 67, false}, {"strings.(*Builder).Grow", "$strings/builder.go", 81, true}, {"strings.Join", "$strings/strings.go", 523, false}}},
	{kSmall, []lf{{"strings.(*Builder).WriteString", "$strings/builder.go", 114, false}}},
	{kMixed, []lf{{"io.ReadAll", "$io/io.go", 712, false}}},
	{kSmall, []lf{{"fmt.Sprintf", "$fmt/print.go", 240, false}}},
	{kSmall, []lf{{"fmt.Errorf", "$fmt/errors.go", 27, false}}},
	{kSmall, []lf{{"errors.New", "$errors/errors.go", 62, false}}},
	{kSmall, []lf{{"strconv.FormatInt", "$strconv/itoa.go", 29, false}}},
	{kSmall, []lf{{"reflect.unsafe_New", "$runtime/malloc.go", 2162, false}, {"reflect.New", "$reflect/value.go", 3205, false}, {"encoding/json/v2.unmarshalDecode", "$encoding/json/v2/arshal.go", 395, false}, {"encoding/json/v2.UnmarshalDecode", "$encoding/json/v2/arshal.go", 372, false}, {"encoding/json.(*Decoder).Decode", "$encoding/json/v2_stream.go", 75, false}}},
	{kMixed, []lf{{"reflect.unsafe_NewArray", "$runtime/malloc.go", 2170, false}, {"reflect.growslice", "$runtime/slice.go", 340, false}, {"reflect.Value.grow", "$reflect/value.go", 2896, false}, {"reflect.Value.SetLen", "$reflect/value.go", 2446, false}, {"encoding/json/v2.makeSliceArshaler.func2", "$encoding/json/v2/arshal_default.go", 1447, false}, {"encoding/json/v2.unmarshalDecode", "$encoding/json/v2/arshal.go", 395, false}, {"encoding/json/v2.Unmarshal", "$encoding/json/v2/arshal.go", 337, false}, {"encoding/json.Unmarshal", "$encoding/json/v2_decode.go", 135, false}}},
	{kSmall, []lf{{"encoding/json/v2.makeStringArshaler.func2", "$encoding/json/v2/arshal_default.go", 322, false}, {"encoding/json/v2.makeStructArshaler.func2", "$encoding/json/v2/arshal_default.go", 1066, false}, {"encoding/json/v2.unmarshalDecode", "$encoding/json/v2/arshal.go", 395, false}, {"encoding/json/v2.Unmarshal", "$encoding/json/v2/arshal.go", 337, false}, {"encoding/json.Unmarshal", "$encoding/json/v2_decode.go", 135, false}}},
	{kMedium, []lf{{"encoding/json/v2.marshalEncode", "$encoding/json/v2/arshal.go", 236, false}, {"encoding/json/v2.Marshal", "$encoding/json/v2/arshal.go", 146, false}, {"encoding/json.Marshal", "$encoding/json/v2_encode.go", 120, false}}},
	{kSmall, []lf{{"google.golang.org/protobuf/internal/impl.(*MessageInfo).unmarshalPointer", "%google.golang.org/protobuf@v1.34.2/internal/impl/decode.go", 145, false}, {"google.golang.org/protobuf/internal/impl.(*MessageInfo).unmarshal", "%google.golang.org/protobuf@v1.34.2/internal/impl/decode.go", 96, false}, {"google.golang.org/protobuf/proto.UnmarshalOptions.unmarshal", "%google.golang.org/protobuf@v1.34.2/proto/decode.go", 105, false}, {"google.golang.org/protobuf/proto.Unmarshal", "%google.golang.org/protobuf@v1.34.2/proto/decode.go", 57, false}}},
	{kMedium, []lf{{"google.golang.org/protobuf/proto.MarshalOptions.marshal", "%google.golang.org/protobuf@v1.34.2/proto/encode.go", 166, false}, {"google.golang.org/protobuf/proto.MarshalOptions.MarshalAppend", "%google.golang.org/protobuf@v1.34.2/proto/encode.go", 125, false}, {"google.golang.org/protobuf/proto.Marshal", "%google.golang.org/protobuf@v1.34.2/proto/encode.go", 110, false}}},
	{kSmall, []lf{{"github.com/jackc/pgx/v5/pgtype.scanPlanString.Scan", "%github.com/jackc/pgx/v5@v5.6.0/pgtype/text.go", 177, false}, {"github.com/jackc/pgx/v5/pgtype.(*Map).Scan", "%github.com/jackc/pgx/v5@v5.6.0/pgtype/pgtype.go", 1947, false}, {"github.com/jackc/pgx/v5.(*baseRows).Scan", "%github.com/jackc/pgx/v5@v5.6.0/rows.go", 275, false}}},
	{kMedium, []lf{{"github.com/jackc/pgx/v5/pgproto3.(*chunkReader).Next", "%github.com/jackc/pgx/v5@v5.6.0/pgproto3/chunkreader.go", 81, false}, {"github.com/jackc/pgx/v5/pgproto3.(*Frontend).Receive", "%github.com/jackc/pgx/v5@v5.6.0/pgproto3/frontend.go", 301, false}, {"github.com/jackc/pgx/v5/pgconn.(*PgConn).receiveMessage", "%github.com/jackc/pgx/v5@v5.6.0/pgconn/pgconn.go", 519, false}, {"github.com/jackc/pgx/v5/pgconn.(*ResultReader).receiveMessage", "%github.com/jackc/pgx/v5@v5.6.0/pgconn/pgconn.go", 1543, false}, {"github.com/jackc/pgx/v5/pgconn.(*ResultReader).NextRow", "%github.com/jackc/pgx/v5@v5.6.0/pgconn/pgconn.go", 1438, false}, {"github.com/jackc/pgx/v5.(*baseRows).Next", "%github.com/jackc/pgx/v5@v5.6.0/rows.go", 180, false}}},
	{kSmall, []lf{{"github.com/redis/go-redis/v9/internal/proto.(*Reader).readStringReply", "%github.com/redis/go-redis/v9@v9.5.3/internal/proto/reader.go", 317, false}, {"github.com/redis/go-redis/v9/internal/proto.(*Reader).ReadReply", "%github.com/redis/go-redis/v9@v9.5.3/internal/proto/reader.go", 148, false}, {"github.com/redis/go-redis/v9.(*StringCmd).readReply", "%github.com/redis/go-redis/v9@v9.5.3/command.go", 870, false}, {"github.com/redis/go-redis/v9.(*baseClient).process", "%github.com/redis/go-redis/v9@v9.5.3/redis.go", 400, false}, {"github.com/redis/go-redis/v9.(*Client).Process", "%github.com/redis/go-redis/v9@v9.5.3/redis.go", 654, false}, {"github.com/redis/go-redis/v9.cmdable.Get", "%github.com/redis/go-redis/v9@v9.5.3/string_commands.go", 127, false}}},
	{kMedium, []lf{{"go.uber.org/zap/buffer.NewPool.func1", "%go.uber.org/zap@v1.27.0/buffer/pool.go", 37, false}, {"go.uber.org/zap/internal/pool.(*Pool[go.shape.*uint8]).Get", "%go.uber.org/zap@v1.27.0/internal/pool/pool.go", 50, false}, {"go.uber.org/zap/zapcore.(*jsonEncoder).EncodeEntry", "%go.uber.org/zap@v1.27.0/zapcore/json_encoder.go", 370, false}, {"go.uber.org/zap/zapcore.(*ioCore).Write", "%go.uber.org/zap@v1.27.0/zapcore/core.go", 95, false}, {"go.uber.org/zap/zapcore.(*CheckedEntry).Write", "%go.uber.org/zap@v1.27.0/zapcore/entry.go", 253, false}, {"go.uber.org/zap.(*Logger).Info", "%go.uber.org/zap@v1.27.0/logger.go", 221, false}}},
	{kLarge, []lf{{"compress/flate.NewWriter", "$compress/flate/deflate.go", 666, false}, {"compress/gzip.(*Writer).Write", "$compress/gzip/gzip.go", 191, false}}},
	{kMedium, []lf{{"bufio.NewReaderSize", "$bufio/bufio.go", 57, true}, {"bufio.NewReader", "$bufio/bufio.go", 63, false}}},
	{kSmall, []lf{{"context.WithDeadlineCause", "$context/context.go", 636, false}, {"context.WithTimeout", "$context/context.go", 701, false}}},
	{kSmall, []lf{{"context.withCancel", "$context/context.go", 263, false}, {"context.WithCancel", "$context/context.go", 237, false}}},
	{kSmall, []lf{{"time.newTimer", "$time/sleep.go", 145, false}, {"time.NewTimer", "$time/sleep.go", 154, true}}},
	{kMixed, []lf{{"regexp.(*Regexp).FindAllString", "$regexp/regexp.go", 1197, false}}},
	{kSmall, []lf{{"net/url.parse", "$net/url/url.go", 540, false}, {"net/url.Parse", "$net/url/url.go", 510, false}}},
	{kSmall, []lf{{"github.com/prometheus/client_golang/prometheus.(*MetricVec).GetMetricWithLabelValues", "%github.com/prometheus/client_golang@v1.19.1/prometheus/vec.go", 241, false}, {"github.com/prometheus/client_golang/prometheus.(*CounterVec).GetMetricWithLabelValues", "%github.com/prometheus/client_golang@v1.19.1/prometheus/counter.go", 259, false}, {"github.com/prometheus/client_golang/prometheus.(*CounterVec).WithLabelValues", "%github.com/prometheus/client_golang@v1.19.1/prometheus/counter.go", 283, false}}},
	{kSmall, []lf{{"go.opentelemetry.io/otel/sdk/trace.(*tracer).newRecordingSpan", "%go.opentelemetry.io/otel/sdk@v1.27.0/trace/tracer.go", 133, false}, {"go.opentelemetry.io/otel/sdk/trace.(*tracer).newSpan", "%go.opentelemetry.io/otel/sdk@v1.27.0/trace/tracer.go", 110, false}, {"go.opentelemetry.io/otel/sdk/trace.(*tracer).Start", "%go.opentelemetry.io/otel/sdk@v1.27.0/trace/tracer.go", 46, false}}},
	{kMixed, []lf{{"github.com/segmentio/kafka-go.(*messageSetReader).readBytesWith", "%github.com/segmentio/kafka-go@v0.4.47/message_reader.go", 420, false}, {"github.com/segmentio/kafka-go.(*messageSetReader).readMessageV2", "%github.com/segmentio/kafka-go@v0.4.47/message_reader.go", 346, false}, {"github.com/segmentio/kafka-go.(*messageSetReader).readMessage", "%github.com/segmentio/kafka-go@v0.4.47/message_reader.go", 142, false}, {"github.com/segmentio/kafka-go.(*Batch).readMessage", "%github.com/segmentio/kafka-go@v0.4.47/batch.go", 274, false}, {"github.com/segmentio/kafka-go.(*Batch).ReadMessage", "%github.com/segmentio/kafka-go@v0.4.47/batch.go", 210, false}, {"github.com/segmentio/kafka-go.(*reader).read", "%github.com/segmentio/kafka-go@v0.4.47/reader.go", 1487, false}}},
}

// outer chains: how user code is entered (leaf first; the first frame calls
// the user entry function)
var libRoots = []struct {
	w  float64
	fs []lf
}{
	{0.30, []lf{ // gin on net/http
		{"github.com/gin-gonic/gin.(*Context).Next", "%github.com/gin-gonic/gin@v1.10.0/context.go", 185, true},
		{"%M/internal/middleware.Tracing.func1", "&internal/middleware/tracing.go", 57, false},
		{"github.com/gin-gonic/gin.(*Context).Next", "%github.com/gin-gonic/gin@v1.10.0/context.go", 185, true},
		{"%M/internal/middleware.Authenticate.func1", "&internal/middleware/auth.go", 88, false},
		{"github.com/gin-gonic/gin.(*Context).Next", "%github.com/gin-gonic/gin@v1.10.0/context.go", 185, true},
		{"github.com/gin-gonic/gin.CustomRecoveryWithWriter.func1", "%github.com/gin-gonic/gin@v1.10.0/recovery.go", 102, false},
		{"github.com/gin-gonic/gin.(*Context).Next", "%github.com/gin-gonic/gin@v1.10.0/context.go", 185, true},
		{"github.com/gin-gonic/gin.LoggerWithConfig.func1", "%github.com/gin-gonic/gin@v1.10.0/logger.go", 249, false},
		{"github.com/gin-gonic/gin.(*Context).Next", "%github.com/gin-gonic/gin@v1.10.0/context.go", 185, true},
		{"github.com/gin-gonic/gin.(*Engine).handleHTTPRequest", "%github.com/gin-gonic/gin@v1.10.0/gin.go", 633, false},
		{"github.com/gin-gonic/gin.(*Engine).ServeHTTP", "%github.com/gin-gonic/gin@v1.10.0/gin.go", 589, false},
		{"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp.(*middleware).serveHTTP", "%go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp@v0.52.0/handler.go", 214, false},
		{"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp.NewMiddleware.func1.1", "%go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp@v0.52.0/handler.go", 72, false},
		{"net/http.HandlerFunc.ServeHTTP", "$net/http/server.go", 2362, false},
		{"net/http.serverHandler.ServeHTTP", "$net/http/server.go", 3440, false},
		{"net/http.(*conn).serve", "$net/http/server.go", 2161, false},
	}},
	{0.15, []lf{ // net/http ServeMux
		{"net/http.HandlerFunc.ServeHTTP", "$net/http/server.go", 2362, false},
		{"%M/internal/middleware.Logging.func1", "&internal/middleware/logging.go", 41, false},
		{"net/http.HandlerFunc.ServeHTTP", "$net/http/server.go", 2362, false},
		{"net/http.(*ServeMux).ServeHTTP", "$net/http/server.go", 2927, false},
		{"net/http.serverHandler.ServeHTTP", "$net/http/server.go", 3440, false},
		{"net/http.(*conn).serve", "$net/http/server.go", 2161, false},
	}},
	{0.30, []lf{ // gRPC unary with interceptors
		{"google.golang.org/grpc.getChainUnaryHandler.func1", "%google.golang.org/grpc@v1.64.0/server.go", 1203, false},
		{"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery.UnaryServerInterceptor.func1", "%github.com/grpc-ecosystem/go-grpc-middleware/v2@v2.1.0/interceptors/recovery/interceptors.go", 33, false},
		{"google.golang.org/grpc.getChainUnaryHandler.func1", "%google.golang.org/grpc@v1.64.0/server.go", 1203, false},
		{"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/logging.UnaryServerInterceptor.func1", "%github.com/grpc-ecosystem/go-grpc-middleware/v2@v2.1.0/interceptors/logging/interceptors.go", 167, false},
		{"google.golang.org/grpc.NewServer.chainUnaryServerInterceptors.chainUnaryInterceptors.func1", "%google.golang.org/grpc@v1.64.0/server.go", 1194, false},
		{"google.golang.org/grpc.(*Server).processUnaryRPC", "%google.golang.org/grpc@v1.64.0/server.go", 1386, false},
		{"google.golang.org/grpc.(*Server).handleStream", "%google.golang.org/grpc@v1.64.0/server.go", 1797, false},
		{"google.golang.org/grpc.(*Server).serveStreams.func2.1", "%google.golang.org/grpc@v1.64.0/server.go", 1027, false},
	}},
	{0.12, []lf{ // Kafka consumer workers
		{"%M/pkg/events.(*Consumer).handle", "&pkg/events/consumer.go", 212, false},
		{"%M/pkg/events.(*Consumer).run", "&pkg/events/consumer.go", 160, false},
		{"%M/pkg/events.(*Consumer).Start.gowrap1", "&pkg/events/consumer.go", 98, false},
	}},
	{0.10, []lf{ // worker pools
		{"%M/pkg/pool.(*Pool[go.shape.struct { ID string; Payload []uint8 }]).worker", "&pkg/pool/pool.go", 121, false},
		{"%M/pkg/pool.(*Pool[go.shape.struct { ID string; Payload []uint8 }]).Start.gowrap1", "&pkg/pool/pool.go", 74, false},
	}},
	{0.03, []lf{ // background refreshers started from main
		{"%M/internal/app.(*App).refreshLoop", "&internal/app/app.go", 301, false},
		{"%M/internal/app.(*App).Run.gowrap3", "&internal/app/app.go", 190, false},
	}},
}

var (
	pkgs = []string{"internal/api", "internal/orders", "internal/billing", "internal/inventory", "internal/users",
		"internal/auth", "internal/search", "internal/notify", "internal/store", "internal/cache", "internal/queue",
		"internal/ingest", "internal/report", "internal/pricing", "internal/session", "internal/shipping",
		"internal/catalog", "internal/payments", "internal/ledger", "internal/fraud", "internal/recommend",
		"internal/webhooks", "internal/tax", "internal/promotions", "internal/geo", "internal/audit",
		"pkg/httpx", "pkg/retry", "pkg/events", "pkg/kv", "pkg/feature", "pkg/ratelimit", "pkg/circuit", "pkg/codec",
		"gen/orderspb", "gen/userspb", "gen/catalogpb", "gen/billingpb"}
	types = []string{"Service", "Handler", "Repository", "Client", "Cache", "Manager", "Worker", "Processor", "Store",
		"Publisher", "Consumer", "Syncer", "Indexer", "Limiter", "Gateway", "Resolver", "Dispatcher", "Aggregator",
		"Coordinator", "Controller", "Builder", "Mapper", "Validator", "Serializer"}
	verbs = []string{"Get", "List", "Create", "Update", "Delete", "Fetch", "Load", "Save", "Sync", "Process", "Handle",
		"Publish", "Consume", "Refresh", "Lookup", "Validate", "Resolve", "Apply", "Flush", "Watch", "Dispatch",
		"Reconcile", "Compute", "Enrich", "Reserve", "Settle", "Notify", "Import", "Export", "Index", "Batch",
		"Prefetch", "Merge", "Split", "Decode", "Encode", "Render", "Build", "Map", "Filter"}
	nouns = []string{"Order", "Orders", "Invoice", "User", "Account", "Prices", "Item", "Items", "Batch", "Events",
		"Session", "Token", "Stock", "Report", "Shipment", "Cart", "Payment", "Refund", "Customer", "Profile",
		"Quote", "Ledger", "Balance", "Catalog", "Rates", "Webhook", "Snapshot", "Metrics", "Coupons", "Addresses",
		"Recommendations", "Permissions", "LineItems", "TaxLines", "Promotions", "Regions", "AuditTrail", "Features"}
	files = []string{"service.go", "handler.go", "repository.go", "client.go", "cache.go", "worker.go", "processor.go",
		"store.go", "consumer.go", "publisher.go", "sync.go", "api.go", "routes.go", "queries.go", "events.go",
		"validate.go", "convert.go", "mapper.go", "builder.go", "model.go"}
	shapes = []string{"go.shape.string", "go.shape.int64", "go.shape.*uint8", "go.shape.struct { ID string; Payload []uint8 }",
		"go.shape.interface {}", "go.shape.[]uint8"}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// zipf index in [0, n) with exponent ~1
func zipf(r *rand.Rand, n int) int {
	// inverse CDF of a continuous 1/x law on [1, n+1)
	x := math.Exp(r.Float64() * math.Log(float64(n)+1))
	i := int(x) - 1
	if i >= n {
		i = n - 1
	}
	return i
}

func (m *model) userName(r *rand.Rand, level int) (string, string, bool) {
	pkg := pick(r, pkgs)
	v, n := pick(r, verbs), pick(r, nouns)
	var name string
	inl := false
	switch x := r.IntN(100); {
	case x < 55:
		name = fmt.Sprintf("%s/%s.(*%s).%s%s", m.mod, pkg, pick(r, types), v, n)
	case x < 65:
		name = fmt.Sprintf("%s/%s.%s.%s%s", m.mod, pkg, pick(r, types), v, n)
	case x < 80:
		name = fmt.Sprintf("%s/%s.%s%s", m.mod, pkg, strings.ToLower(v[:1])+v[1:], n)
		inl = r.IntN(100) < 40
	case x < 92:
		name = fmt.Sprintf("%s/%s.(*%s).%s%s.func%d", m.mod, pkg, pick(r, types), v, n, 1+r.IntN(4))
	case x < 96:
		name = fmt.Sprintf("%s/%s.(*%s[%s]).%s", m.mod, pkg, pick(r, types), pick(r, shapes), v)
	default:
		name = fmt.Sprintf("%s/%s.%s%s[%s,%s]", m.mod, pkg, v, n, pick(r, shapes), pick(r, shapes))
	}
	if !inl && r.IntN(100) < 12 {
		inl = true
	}
	file := fmt.Sprintf("%s%s/%s", m.appRoot, pkg, pick(r, files))
	return name, file, inl
}

type params struct {
	samples   int
	userFns   int
	levels    int
	fanout    int
	stopBase  float64
	sizeVars  float64
	hotLevels int
}

func newModel(seed uint64, p params) *model {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	m := &model{seed: seed, r: r, fnByName: map[string]int32{}, locByKey: map[string]int32{}, used: map[uint64]bool{},
		nextAddr: 0x401000}
	svcs := []string{"shop", "checkout", "payments", "ledger", "gateway", "catalog", "fulfillment", "identity"}
	orgs := []string{"acme", "northwind", "globex", "initech", "umbrella-corp"}
	m.svc = pick(r, svcs)
	m.mod = "github.com/" + pick(r, orgs) + "/" + m.svc
	m.gorootSrc = "/usr/local/go/src/"
	m.modCache = "/go/pkg/mod/"
	m.appRoot = "/go/src/" + m.mod + "/"

	// runtime.main and the library/framework functions first (low addresses,
	// like the runtime and std packages in a real binary)
	for _, t := range libTails {
		m.tails = append(m.tails, m.chain(t.fs))
		m.tailKind = append(m.tailKind, t.kind)
	}
	for _, rt := range libRoots {
		m.roots = append(m.roots, m.chain(rt.fs))
		m.rootW = append(m.rootW, rt.w)
	}
	// user functions, by level
	m.levels = make([][]int32, p.levels)
	for i := 0; i < p.userFns; i++ {
		lvl := i % p.levels
		var name, file string
		var inl bool
		for {
			name, file, inl = m.userName(r, lvl)
			if _, dup := m.fnByName[name]; !dup {
				break
			}
		}
		id := m.fn(name, file, 20+r.IntN(900), inl)
		u := userFn{fn: id, level: lvl}
		start := int32(m.fns[id].start)
		u.allocLn = start + 2 + int32(r.IntN(40))
		u.tailLn = start + 2 + int32(r.IntN(40))
		nt := 1 + r.IntN(3)
		for k := 0; k < nt; k++ {
			u.tails = append(u.tails, r.IntN(len(m.tails)))
		}
		m.user = append(m.user, u)
		m.levels[lvl] = append(m.levels[lvl], int32(len(m.user)-1))
	}
	// call edges: to the next few levels, fan-out 2..2*fanout
	for i := range m.user {
		u := &m.user[i]
		if u.level == p.levels-1 {
			continue
		}
		n := 2 + r.IntN(2*p.fanout)
		start := int32(m.fns[u.fn].start)
		for k := 0; k < n; k++ {
			l := u.level + 1 + r.IntN(3)
			if l >= p.levels {
				l = p.levels - 1
			}
			c := pick(r, m.levels[l])
			u.callees = append(u.callees, c)
			u.sites = append(u.sites, start+3+int32(k*4+r.IntN(4)))
		}
	}
	return m
}

// one random allocation stack: logical frames leaf first, and its size kind
func (m *model) stack(r *rand.Rand, p params, scratch []frame) ([]frame, int, bool) {
	// outer chain
	x, root := r.Float64(), 0
	for i, w := range m.rootW {
		if x < w {
			root = i
			break
		}
		x -= w
	}
	// user walk from a (hot, Zipf-chosen) entry at level 0
	lvl0 := m.levels[0]
	cur := lvl0[zipf(r, len(lvl0))]
	var path []int32
	var sites []int32
	for {
		u := &m.user[cur]
		path = append(path, cur)
		stop := p.stopBase * float64(u.level+1) / float64(p.levels)
		if len(u.callees) == 0 || r.Float64() < stop || len(path) > 90 {
			break
		}
		// hot paths near the entry points, a wide fan of paths deeper down
		k := r.IntN(len(u.callees))
		if u.level < p.hotLevels {
			k = zipf(r, len(u.callees))
		}
		sites = append(sites, u.sites[k])
		cur = u.callees[k]
	}
	leaf := &m.user[path[len(path)-1]]
	out := scratch[:0]
	kind := kSmall
	direct := false
	if r.IntN(100) < 35 {
		// the user function allocates itself (make, new, append, map insert;
		// the runtime frames are trimmed)
		out = append(out, frame{leaf.fn, leaf.allocLn})
		kind = []int{kSmall, kSmall, kMedium, kLarge, kMixed}[r.IntN(5)]
		direct = true
	} else {
		t := pick(r, leaf.tails)
		out = append(out, m.tails[t]...)
		out = append(out, frame{leaf.fn, leaf.tailLn})
		kind = m.tailKind[t]
	}
	for i := len(path) - 2; i >= 0; i-- {
		out = append(out, frame{m.user[path[i]].fn, sites[i]})
	}
	out = append(out, m.roots[root]...)
	if len(out) > 128 { // runtime/pprof default profile depth (Go 1.23+)
		out = out[:128]
	}
	return out, kind, direct
}

func sizeFor(r *rand.Rand, kind int) int64 {
	logu := func(lo, hi float64) int64 {
		return int64(math.Exp(math.Log(lo) + r.Float64()*(math.Log(hi)-math.Log(lo))))
	}
	var s int64
	switch kind {
	case kSmall:
		s = logu(8, 512)
	case kMedium:
		s = logu(512, 32768)
	case kLarge:
		s = logu(32768, 8<<20)
	default:
		s = logu(8, 4<<20)
	}
	// round to Go size classes for small objects, pages for large
	classes := []int64{8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320,
		352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688,
		3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568,
		14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768}
	if s <= 32768 {
		i := sort.Search(len(classes), func(i int) bool { return classes[i] >= s })
		return classes[i]
	}
	return (s + 8191) &^ 8191
}

// sampled allocation count: heavy tailed
func allocCount(r *rand.Rand) int64 {
	a := int64(1 / math.Pow(1-r.Float64(), 1/1.15))
	if a > 3_000_000 {
		a = 3_000_000
	}
	return a
}

func retained(r *rand.Rand, a int64) int64 {
	var f float64
	switch x := r.IntN(100); {
	case x < 60:
		return 0
	case x < 90:
		f = r.Float64() * 0.02
	case x < 98:
		f = 0.02 + r.Float64()*0.13
	default:
		f = 0.15 + r.Float64()*0.6
	}
	return int64(f * float64(a))
}

func (m *model) samples(p params) []sample {
	r := rand.New(rand.NewPCG(m.seed, 0x1234567+uint64(p.samples)))
	seen := map[string]bool{}
	out := make([]sample, 0, p.samples)
	scratch := make([]frame, 0, 256)
	for len(out) < p.samples {
		logical, kind, direct := m.stack(r, p, scratch)
		locs := m.physical(logical, nil)
		key := fmt.Sprint(locs)
		if seen[key] {
			continue
		}
		seen[key] = true
		// the same stack is often recorded with several object sizes
		nsz := 1
		if kind == kMixed || r.Float64() < p.sizeVars {
			nsz = 1 + r.IntN(5)
		}
		sizes := map[int64]bool{}
		for k := 0; k < nsz && len(out) < p.samples; k++ {
			s := sizeFor(r, kind)
			if sizes[s] {
				continue
			}
			sizes[s] = true
			a := allocCount(r)
			if s >= 1<<20 && a > 2000 {
				a = 1 + a%2000
			}
			out = append(out, sample{locs: locs, size: s, a: a, u: retained(r, a), leak: direct})
		}
	}
	// a few all-runtime stacks (goroutine and timer creation) are kept whole,
	// since hiding runtime frames would leave nothing
	rt := [][]lf{
		{{"runtime.malg", "$runtime/proc.go", 5313, false}, {"runtime.newproc1", "$runtime/proc.go", 5361, false}, {"runtime.newproc.func1", "$runtime/proc.go", 5338, false}, {"runtime.systemstack", "$runtime/asm_amd64.s", 531, false}},
		{{"runtime.allocm", "$runtime/proc.go", 2350, false}, {"runtime.newm", "$runtime/proc.go", 2881, false}, {"runtime.startm", "$runtime/proc.go", 3106, false}},
	}
	for i, c := range rt {
		locs := m.physical(m.chain(c), nil)
		out[len(out)-1-i] = sample{locs: locs, size: []int64{448, 1024}[i], a: int64(60 + i*4), u: int64(52 + i*4)}
	}
	return out
}

// ---------------------------------------------------------------------------
// "later" profile of the same process

func grow(m *model, base []sample, seed uint64, p params) []sample {
	r := rand.New(rand.NewPCG(seed^0xfeedface, 77))
	later := make([]sample, len(base))
	copy(later, base)
	// time passes: every site has allocated more; retention drifts
	for i := range later {
		s := &later[i]
		s.a += int64(float64(s.a)*(0.15+r.Float64()*0.35)) + int64(r.IntN(2))
		u := float64(s.u) * (0.9 + r.Float64()*0.2)
		s.u = int64(u)
		if s.u > s.a {
			s.u = s.a
		}
	}
	// leaks: a few dozen user allocation sites with real retention grow a lot
	var cand []int
	for i, s := range base {
		if s.leak && s.u > 0 && s.size < 1<<20 {
			cand = append(cand, i)
		}
	}
	sort.Slice(cand, func(i, j int) bool {
		bi, bj := base[cand[i]], base[cand[j]]
		return bi.u*bi.size > bj.u*bj.size
	})
	nleak := 40
	if nleak > len(cand) {
		nleak = len(cand)
	}
	for k := 0; k < nleak; k++ {
		j := k*len(cand)/(nleak*4) + r.IntN(2) // spread over the top quarter
		if j >= len(cand) {
			j = len(cand) - 1
		}
		i := cand[j]
		s := &later[i]
		f := 3 + r.Float64()*17
		extra := int64(float64(base[i].u)*f) + 100
		s.u = base[i].u + extra
		s.a = base[i].a + extra + s.a - base[i].a
	}
	// new stacks since the first profile; the runtime lists newest buckets first
	fresh := m.samples(params{samples: len(base) / 100, userFns: p.userFns, levels: p.levels, fanout: p.fanout,
		stopBase: p.stopBase, sizeVars: p.sizeVars, hotLevels: p.hotLevels})
	old := map[string]bool{}
	for _, s := range base {
		old[fmt.Sprint(s.locs, s.size)] = true
	}
	var news []sample
	for _, s := range fresh {
		if !old[fmt.Sprint(s.locs, s.size)] {
			news = append(news, s)
		}
	}
	return append(news, later...)
}

// ---------------------------------------------------------------------------
// writing profile.proto like runtime/pprof's profileBuilder

type writer struct {
	m       *model
	zw      *gzip.Writer
	bw      *bufio.Writer
	strings []string
	strIdx  map[string]int64
	locID   []uint64 // process location index -> profile id (0 = not yet)
	fnID    []uint64
	nLoc    uint64
	nFn     uint64
	raw     int64
}

func (w *writer) str(s string) int64 {
	if i, ok := w.strIdx[s]; ok {
		return i
	}
	i := int64(len(w.strings))
	w.strings = append(w.strings, s)
	w.strIdx[s] = i
	return i
}

func (w *writer) emit(p *pbuf) {
	n, err := w.zw.Write(p.b)
	if err != nil {
		fatal(err)
	}
	w.raw += int64(n)
	p.b = p.b[:0]
}

func (w *writer) valueType(p *pbuf, tag int, typ, unit string) {
	var v pbuf
	v.int64Opt(1, w.str(typ))
	v.int64Opt(2, w.str(unit))
	p.bytes(tag, v.b)
}

func scaleHeapSample(count, size, rate int64) (int64, int64) {
	if count == 0 || size == 0 {
		return 0, 0
	}
	if rate <= 1 {
		return count, size
	}
	avgSize := float64(size) / float64(count)
	scale := 1 / (1 - math.Exp(-avgSize/float64(rate)))
	return int64(float64(count) * scale), int64(float64(size) * scale)
}

func write(path string, m *model, ss []sample, when time.Time, buildID string) (raw, gz int64, tot [4]int64) {
	f, err := os.Create(path)
	if err != nil {
		fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	zw, _ := gzip.NewWriterLevel(bw, gzip.BestSpeed)
	w := &writer{m: m, zw: zw, bw: bw, strIdx: map[string]int64{}, locID: make([]uint64, len(m.locs)),
		fnID: make([]uint64, len(m.fns))}
	w.str("")
	var p pbuf
	w.valueType(&p, 11, "space", "bytes")
	p.int64Opt(12, memProfileRate)
	w.valueType(&p, 1, "alloc_objects", "count")
	w.valueType(&p, 1, "alloc_space", "bytes")
	w.valueType(&p, 1, "inuse_objects", "count")
	w.valueType(&p, 1, "inuse_space", "bytes")
	w.emit(&p)
	ids := make([]uint64, 0, 128)
	for _, s := range ss {
		ids = ids[:0]
		for _, li := range s.locs {
			if w.locID[li] == 0 {
				w.emitLocation(&p, li)
			}
			ids = append(ids, w.locID[li])
		}
		var v [4]int64
		v[0], v[1] = scaleHeapSample(s.a, s.a*s.size, memProfileRate)
		v[2], v[3] = scaleHeapSample(s.u, s.u*s.size, memProfileRate)
		for i := range v {
			tot[i] += v[i]
		}
		var sm pbuf
		var vals pbuf
		for _, x := range v {
			vals.varint(uint64(x))
		}
		sm.bytes(2, vals.b) // 4 values: always packed
		sm.uint64s(1, ids)
		var lb pbuf
		lb.int64Opt(1, w.str("bytes"))
		lb.int64Opt(3, s.size)
		sm.bytes(3, lb.b)
		p.bytes(2, sm.b)
		w.emit(&p)
	}
	p.int64Opt(9, when.UnixNano())
	// mappings from /proc/self/maps: the binary (all lookups symbolized), vdso, vsyscall
	var mp pbuf
	mp.uint64Opt(1, 1)
	mp.uint64Opt(2, 0x400000)
	mp.uint64Opt(3, (m.nextAddr+0xfff)&^0xfff)
	mp.uint64Opt(4, 0)
	mp.int64Opt(5, w.str("/app/"+m.svc))
	mp.int64Opt(6, w.str(buildID))
	mp.boolTrue(7)
	p.bytes(3, mp.b)
	mp.b = mp.b[:0]
	vdso := uint64(0x7ffd_a000_0000) + uint64(m.r.IntN(0x8000))<<12
	mp.uint64Opt(1, 2)
	mp.uint64Opt(2, vdso)
	mp.uint64Opt(3, vdso+0x2000)
	mp.int64Opt(5, w.str("[vdso]"))
	mp.int64Opt(6, w.str(""))
	p.bytes(3, mp.b)
	mp.b = mp.b[:0]
	mp.uint64Opt(1, 3)
	mp.uint64Opt(2, 0xffffffffff600000)
	mp.uint64Opt(3, 0xffffffffff601000)
	mp.int64Opt(5, w.str("[vsyscall]"))
	mp.int64Opt(6, w.str(""))
	p.bytes(3, mp.b)
	for _, s := range w.strings {
		p.key(6, 2)
		p.varint(uint64(len(s)))
		p.b = append(p.b, s...)
	}
	w.emit(&p)
	if err := zw.Close(); err != nil {
		fatal(err)
	}
	if err := bw.Flush(); err != nil {
		fatal(err)
	}
	st, _ := f.Stat()
	if err := f.Close(); err != nil {
		fatal(err)
	}
	return w.raw, st.Size(), tot
}

func (w *writer) emitLocation(p *pbuf, li int32) {
	w.nLoc++
	w.locID[li] = w.nLoc
	loc := &w.m.locs[li]
	var newFns []int32
	var lm pbuf
	lm.uint64Opt(1, w.nLoc)
	lm.uint64Opt(3, loc.addr)
	for _, ln := range loc.lines {
		if w.fnID[ln.fn] == 0 {
			w.nFn++
			w.fnID[ln.fn] = w.nFn
			newFns = append(newFns, ln.fn)
		}
		var l pbuf
		l.uint64Opt(1, w.fnID[ln.fn])
		l.int64Opt(2, int64(ln.line))
		lm.bytes(4, l.b)
	}
	lm.uint64Opt(2, 1) // mapping: the binary
	p.bytes(4, lm.b)
	for _, fi := range newFns {
		fn := &w.m.fns[fi]
		var fm pbuf
		fm.uint64Opt(1, w.fnID[fi])
		fm.int64Opt(2, w.str(fn.name))
		fm.int64Opt(3, w.str(fn.name))
		fm.int64Opt(4, w.str(fn.file))
		fm.int64Opt(5, fn.start)
		p.bytes(5, fm.b)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "gen_heap:", err)
	os.Exit(2)
}

func human(b int64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.2fGB", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1fMB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%dB", b)
}

func main() {
	var (
		nsamples = flag.Int("samples", 200000, "number of samples (distinct stack and object size pairs)")
		seed     = flag.Uint64("seed", 1, "random seed: same seed, same process")
		doGrow   = flag.Bool("grow", false, "write the later profile of the same process, with some sites grown")
		out      = flag.String("o", "heap.pb.gz", "output file")
		minutes  = flag.Int("minutes", 0, "minutes later than the seed's start (a series of one process)")
		series   = flag.Int("series", 0, "write N profiles of the process 5 minutes apart, the even ones grown; -o is a pattern with one %d")
		userFns  = flag.Int("funcs", 0, "user functions in the modelled binary (default: scaled from -samples)")
		levels   = flag.Int("levels", 96, "depth of the layered user call graph")
		fanout   = flag.Int("fanout", 6, "mean call sites per user function / 2")
		hot      = flag.Int("hot", 3, "levels of the call graph where callees are chosen by a Zipf law")
		fnScale  = flag.Float64("funcs-per-sample", 2.2, "user functions per sample when -funcs is 0")
		stopBase = flag.Float64("stop", 0.03, "chance of allocating at the deepest level (lower: deeper stacks)")
	)
	flag.Parse()
	if *nsamples < 100 {
		fatal(fmt.Errorf("-samples must be at least 100"))
	}
	p := params{samples: *nsamples, userFns: *userFns, levels: *levels, fanout: *fanout, stopBase: *stopBase, sizeVars: 0.3, hotLevels: *hot}
	if p.userFns == 0 {
		p.userFns = int(float64(*nsamples) * *fnScale)
		if p.userFns < 2000 {
			p.userFns = 2000
		}
	}
	m := newModel(*seed, p)
	ss := m.samples(p)
	when := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC).Add(time.Duration(*seed%1000) * time.Hour)
	if *doGrow {
		ss = grow(m, ss, *seed, p)
		when = when.Add(45 * time.Minute)
	}
	when = when.Add(time.Duration(*minutes) * time.Minute)
	if *series > 0 {
		bid := fmt.Sprintf("%016x%016x%08x", rand.New(rand.NewPCG(*seed, 1)).Uint64(), rand.New(rand.NewPCG(*seed, 2)).Uint64(), uint32(*seed*2654435761))
		grown := grow(m, ss, *seed, p)
		for k := 1; k <= *series; k++ {
			at, which := when.Add(time.Duration(5*k)*time.Minute), ss
			if k%2 == 0 {
				which = grown
			}
			write(fmt.Sprintf(*out, k), m, which, at, bid)
		}
		return
	}
	bid := fmt.Sprintf("%016x%016x%08x", rand.New(rand.NewPCG(*seed, 1)).Uint64(), rand.New(rand.NewPCG(*seed, 2)).Uint64(), uint32(*seed*2654435761))
	raw, gz, tot := write(*out, m, ss, when, bid)
	nloc, nfn := 0, 0
	seenL := make([]bool, len(m.locs))
	seenF := make([]bool, len(m.fns))
	frames := 0
	for _, s := range ss {
		frames += len(s.locs)
		for _, l := range s.locs {
			if !seenL[l] {
				seenL[l] = true
				nloc++
				for _, ln := range m.locs[l].lines {
					if !seenF[ln.fn] {
						seenF[ln.fn] = true
						nfn++
					}
				}
			}
		}
	}
	fmt.Fprintf(os.Stderr, "gen_heap: %s: %d samples, %d locations, %d functions, %.1f frames/sample; "+
		"proto %s (%d bytes), gzip %s; inuse %s in %d objects, alloc %s in %d objects\n",
		*out, len(ss), nloc, nfn, float64(frames)/float64(len(ss)), human(raw), raw, human(gz),
		human(tot[3]), tot[2], human(tot[1]), tot[0])
}
