#include "parse/gostd_dirs.h"

#include <string.h>

typedef struct std_dir {
    const char *dir, *path;
} std_dir;

/* From `go list std` of Go 1.19, 1.22 and 1.27: each last path element that
 * differs from its package's whole path, sorted by it. An element several
 * packages end in names the one public package among them (neither under
 * vendor/ nor internal: "atomic" is sync/atomic, not runtime/internal/atomic);
 * an element two public packages share is left out. */
static const std_dir std_dirs[] = {
    { "abi", "internal/abi" }, { "adler32", "hash/adler32" }, { "aes", "crypto/aes" },
    { "amd64v1", "runtime/race/internal/amd64v1" }, { "asan", "internal/asan" },
    { "ascii", "net/http/internal/ascii" }, { "ascii85", "encoding/ascii85" },
    { "asmgen", "math/big/internal/asmgen" }, { "asn1", "encoding/asn1" }, { "ast", "go/ast" },
    { "atomic", "sync/atomic" }, { "base32", "encoding/base32" }, { "base64", "encoding/base64" },
    { "bbig", "crypto/internal/boring/bbig" }, { "bcache", "crypto/internal/boring/bcache" },
    { "benchmarks", "log/slog/internal/benchmarks" }, { "bidi", "vendor/golang.org/x/text/unicode/bidi" },
    { "bidirule", "vendor/golang.org/x/text/secure/bidirule" }, { "big", "math/big" },
    { "binary", "encoding/binary" }, { "bisect", "internal/bisect" }, { "bits", "math/bits" },
    { "boring", "crypto/internal/boring" }, { "buffer", "log/slog/internal/buffer" }, { "build", "go/build" },
    { "buildcfg", "internal/buildcfg" }, { "buildinfo", "debug/buildinfo" },
    { "bytealg", "internal/bytealg" }, { "bzip2", "compress/bzip2" },
    { "calloc", "internal/coverage/calloc" }, { "cfg", "internal/cfg" },
    { "cfile", "internal/coverage/cfile" }, { "cformat", "internal/coverage/cformat" },
    { "cgi", "net/http/cgi" }, { "cgo", "runtime/cgo" }, { "cgobench", "internal/runtime/cgobench" },
    { "cgotest", "net/internal/cgotest" }, { "cgroup", "internal/runtime/cgroup" },
    { "cgrouptest", "internal/cgrouptest" }, { "chacha20", "vendor/golang.org/x/crypto/chacha20" },
    { "chacha20poly1305", "vendor/golang.org/x/crypto/chacha20poly1305" },
    { "chacha8rand", "internal/chacha8rand" }, { "check", "crypto/internal/fips140/check" },
    { "checktest", "crypto/internal/fips140/check/checktest" }, { "cipher", "crypto/cipher" },
    { "cmerge", "internal/coverage/cmerge" }, { "cmplx", "math/cmplx" }, { "color", "image/color" },
    { "comment", "go/doc/comment" }, { "constant", "go/constant" },
    { "constanttime", "crypto/internal/constanttime" }, { "constraint", "go/build/constraint" },
    { "cookiejar", "net/http/cookiejar" }, { "copyright", "internal/copyright" },
    { "coverage", "runtime/coverage" }, { "crc32", "hash/crc32" }, { "crc64", "hash/crc64" },
    { "cryptobyte", "vendor/golang.org/x/crypto/cryptobyte" }, { "cryptotest", "testing/cryptotest" },
    { "csv", "encoding/csv" }, { "curve25519", "vendor/golang.org/x/crypto/curve25519" },
    { "dag", "internal/dag" }, { "debug", "runtime/debug" },
    { "decodecounter", "internal/coverage/decodecounter" }, { "decodemeta", "internal/coverage/decodemeta" },
    { "des", "crypto/des" }, { "diff", "internal/diff" },
    { "dnsmessage", "vendor/golang.org/x/net/dns/dnsmessage" }, { "doc", "go/doc" }, { "draw", "image/draw" },
    { "drbg", "crypto/internal/fips140/drbg" }, { "driver", "database/sql/driver" }, { "dsa", "crypto/dsa" },
    { "dwarf", "debug/dwarf" }, { "ecdh", "crypto/ecdh" }, { "ecdsa", "crypto/ecdsa" },
    { "ed25519", "crypto/ed25519" }, { "elf", "debug/elf" }, { "elliptic", "crypto/elliptic" },
    { "embedtest", "embed/internal/embedtest" }, { "encodecounter", "internal/coverage/encodecounter" },
    { "encodemeta", "internal/coverage/encodemeta" }, { "entropy", "crypto/internal/entropy" },
    { "event", "internal/trace/v2/event" }, { "example1", "reflect/internal/example1" },
    { "example2", "reflect/internal/example2" }, { "exec", "os/exec" },
    { "execenv", "internal/syscall/execenv" }, { "exithook", "internal/runtime/exithook" },
    { "exportdata", "internal/exportdata" }, { "fcgi", "net/http/fcgi" },
    { "fdtest", "os/exec/internal/fdtest" }, { "filepath", "path/filepath" },
    { "filepathlite", "internal/filepathlite" }, { "fips140", "crypto/fips140" },
    { "fips140cache", "crypto/internal/fips140cache" }, { "fips140deps", "crypto/internal/fips140deps" },
    { "fips140hash", "crypto/internal/fips140hash" }, { "fips140only", "crypto/internal/fips140only" },
    { "fips140test", "crypto/internal/fips140test" }, { "fips140tls", "crypto/tls/internal/fips140tls" },
    { "flate", "compress/flate" }, { "fmtsort", "internal/fmtsort" }, { "fnv", "hash/fnv" },
    { "format", "go/format" }, { "fs", "io/fs" }, { "fstest", "testing/fstest" }, { "fuzz", "internal/fuzz" },
    { "gate", "internal/gate" }, { "gc", "internal/runtime/gc" },
    { "gccgoimporter", "go/internal/gccgoimporter" }, { "gcimporter", "go/internal/gcimporter" },
    { "gcm", "crypto/internal/fips140/aes/gcm" }, { "gen", "internal/runtime/gc/internal/gen" },
    { "gif", "image/gif" }, { "goarch", "internal/goarch" }, { "gob", "encoding/gob" },
    { "godebugs", "internal/godebugs" }, { "goexperiment", "internal/goexperiment" },
    { "goos", "internal/goos" }, { "goroot", "internal/goroot" }, { "gosym", "debug/gosym" },
    { "gover", "internal/gover" }, { "goversion", "internal/goversion" }, { "gzip", "compress/gzip" },
    { "heap", "container/heap" }, { "hex", "encoding/hex" }, { "hkdf", "crypto/hkdf" },
    { "hmac", "crypto/hmac" }, { "hpack", "vendor/golang.org/x/net/http2/hpack" }, { "hpke", "crypto/hpke" },
    { "http", "net/http" }, { "http2", "net/http/internal/http2" },
    { "httpguts", "vendor/golang.org/x/net/http/httpguts" },
    { "httpproxy", "vendor/golang.org/x/net/http/httpproxy" }, { "httpsfv", "net/http/internal/httpsfv" },
    { "httptest", "net/http/httptest" }, { "httptrace", "net/http/httptrace" },
    { "httputil", "net/http/httputil" }, { "idna", "vendor/golang.org/x/net/idna" },
    { "imageutil", "image/internal/imageutil" }, { "impl", "crypto/internal/impl" },
    { "importer", "go/importer" }, { "intern", "internal/intern" }, { "iotest", "testing/iotest" },
    { "ioutil", "io/ioutil" }, { "itoa", "internal/itoa" }, { "jpeg", "image/jpeg" },
    { "json", "encoding/json" }, { "jsonflags", "encoding/json/internal/jsonflags" },
    { "jsonopts", "encoding/json/internal/jsonopts" }, { "jsonrpc", "net/rpc/jsonrpc" },
    { "jsontest", "encoding/json/internal/jsontest" }, { "jsontext", "encoding/json/jsontext" },
    { "jsonwire", "encoding/json/internal/jsonwire" }, { "label", "internal/runtime/pprof/label" },
    { "lazyregexp", "internal/lazyregexp" }, { "lazytemplate", "internal/lazytemplate" },
    { "linux", "internal/runtime/syscall/linux" }, { "list", "container/list" }, { "lzw", "compress/lzw" },
    { "macho", "debug/macho" }, { "mail", "net/mail" }, { "maphash", "hash/maphash" },
    { "md5", "crypto/md5" }, { "metrics", "runtime/metrics" }, { "mldsa", "crypto/mldsa" },
    { "mlkem", "crypto/mlkem" }, { "mlkemtest", "crypto/mlkem/mlkemtest" }, { "msan", "internal/msan" },
    { "multipart", "mime/multipart" }, { "netip", "net/netip" }, { "nettrace", "internal/nettrace" },
    { "norm", "vendor/golang.org/x/text/unicode/norm" }, { "obscuretestdata", "internal/obscuretestdata" },
    { "oserror", "internal/oserror" }, { "palette", "image/color/palette" },
    { "parse", "text/template/parse" }, { "parser", "go/parser" }, { "pbkdf2", "crypto/pbkdf2" },
    { "pe", "debug/pe" }, { "pem", "encoding/pem" }, { "pkgbits", "internal/pkgbits" },
    { "pkix", "crypto/x509/pkix" }, { "plan9obj", "debug/plan9obj" }, { "platform", "internal/platform" },
    { "png", "image/png" }, { "pods", "internal/coverage/pods" }, { "poll", "internal/poll" },
    { "poly1305", "vendor/golang.org/x/crypto/internal/poly1305" }, { "printer", "go/printer" },
    { "profile", "internal/profile" }, { "profilerecord", "internal/profilerecord" },
    { "pty", "os/signal/internal/pty" }, { "quic", "vendor/golang.org/x/net/quic" },
    { "quick", "testing/quick" }, { "quicwire", "vendor/golang.org/x/net/internal/quic/quicwire" },
    { "quotedprintable", "mime/quotedprintable" }, { "race", "runtime/race" },
    { "randutil", "crypto/internal/randutil" }, { "rc4", "crypto/rc4" },
    { "reflectlite", "internal/reflectlite" }, { "ring", "container/ring" }, { "rpc", "net/rpc" },
    { "rsa", "crypto/rsa" }, { "rtcov", "internal/coverage/rtcov" },
    { "safefilepath", "internal/safefilepath" }, { "saferio", "internal/saferio" },
    { "scan", "internal/runtime/gc/scan" }, { "seccomp", "crypto/internal/sysrand/internal/seccomp" },
    { "sha1", "crypto/sha1" }, { "sha256", "crypto/sha256" }, { "sha3", "crypto/sha3" },
    { "sha512", "crypto/sha512" }, { "sig", "crypto/internal/boring/sig" }, { "signal", "os/signal" },
    { "singleflight", "internal/singleflight" }, { "slicereader", "internal/coverage/slicereader" },
    { "slicewriter", "internal/coverage/slicewriter" }, { "slog", "log/slog" },
    { "slogtest", "testing/slogtest" }, { "smtp", "net/smtp" }, { "socktest", "net/internal/socktest" },
    { "sql", "database/sql" }, { "srcimporter", "go/internal/srcimporter" },
    { "ssh", "crypto/internal/fips140/ssh" }, { "stringslite", "internal/stringslite" },
    { "stringtab", "internal/coverage/stringtab" }, { "subtle", "crypto/subtle" },
    { "suffixarray", "index/suffixarray" }, { "synctest", "testing/synctest" }, { "syntax", "regexp/syntax" },
    { "sysinfo", "internal/sysinfo" }, { "syslist", "internal/syslist" }, { "syslog", "log/syslog" },
    { "sysrand", "crypto/internal/sysrand" }, { "tabwriter", "text/tabwriter" }, { "tar", "archive/tar" },
    { "test", "internal/coverage/test" }, { "testcert", "net/http/internal/testcert" },
    { "testdeps", "testing/internal/testdeps" }, { "testenv", "internal/testenv" },
    { "testgen", "internal/trace/internal/testgen" }, { "testhash", "internal/testhash" },
    { "testlog", "internal/testlog" }, { "testpty", "internal/testpty" }, { "textproto", "net/textproto" },
    { "tls", "crypto/tls" }, { "tls12", "crypto/internal/fips140/tls12" },
    { "tls13", "crypto/internal/fips140/tls13" }, { "token", "go/token" }, { "trace", "runtime/trace" },
    { "tracev1", "internal/trace/internal/tracev1" }, { "tracev2", "internal/trace/tracev2" },
    { "traceviewer", "internal/trace/traceviewer" }, { "transform", "vendor/golang.org/x/text/transform" },
    { "txtar", "internal/txtar" }, { "typeparams", "go/internal/typeparams" }, { "types", "go/types" },
    { "tzdata", "time/tzdata" }, { "uleb128", "internal/coverage/uleb128" },
    { "unix", "internal/syscall/unix" }, { "unsafeheader", "internal/unsafeheader" }, { "url", "net/url" },
    { "user", "os/user" }, { "utf16", "unicode/utf16" }, { "utf8", "unicode/utf8" },
    { "v1.0.0", "crypto/internal/entropy/v1.0.0" }, { "version", "go/version" },
    { "wycheproof", "crypto/internal/cryptotest/wycheproof" }, { "x509", "crypto/x509" },
    { "x509limbo", "crypto/internal/cryptotest/x509limbo" }, { "xcoff", "internal/xcoff" },
    { "xml", "encoding/xml" }, { "zip", "archive/zip" }, { "zlib", "compress/zlib" },
    { "zstd", "internal/zstd" },
};

gmx_str gmx_gostd_dir_path(gmx_str dir)
{
    size_t lo = 0, hi = sizeof(std_dirs) / sizeof(std_dirs[0]);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = gmx_str_cmp(dir, gmx_str_cstr(std_dirs[mid].dir));
        if (c == 0)
            return gmx_str_cstr(std_dirs[mid].path);
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return dir;
}

/* The standard library's packages whose path is one element (`go list std`
 * of Go 1.19 to 1.27), sorted. */
static const char *const std_roots[] = {
    "bufio",  "bytes",  "cmp",   "context", "crypto",  "embed",  "errors",  "expvar", "flag",
    "fmt",    "hash",   "html",  "image",   "io",      "iter",   "log",     "maps",   "math",
    "mime",   "net",    "os",    "path",    "plugin",  "reflect", "regexp", "runtime", "slices",
    "sort",   "strconv", "strings", "structs", "sync", "syscall", "testing", "time",  "unicode",
    "unique", "unsafe", "weak",
};

bool gmx_gostd_package(gmx_str path)
{
    size_t slash = gmx_str_rfind_char(path, '/');
    if (slash != SIZE_MAX) {
        gmx_str dir = gmx_str_sub(path, slash + 1, path.n);
        return gmx_str_eq(gmx_gostd_dir_path(dir), path);
    }
    for (size_t i = 0; i < sizeof(std_roots) / sizeof(std_roots[0]); i++)
        if (gmx_str_eq_cstr(path, std_roots[i]))
            return true;
    return false;
}
