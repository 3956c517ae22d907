// Command setframes copies a pprof profile (profile.proto, gzipped) and sets
// its drop_frames and keep_frames fields, which runtime/pprof never writes
// but other producers (pprof's legacy parsers, C++ profilers) do. The
// profile is otherwise unchanged: the new strings and fields are appended,
// which protobuf reads as a merge.
//
//	setframes -drop RE [-keep RE] IN.pb.gz OUT.pb.gz
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// countStrings returns how many string_table entries (field 6) msg holds.
func countStrings(msg []byte) (int, error) {
	n := 0
	for len(msg) > 0 {
		key, k := binary.Uvarint(msg)
		if k <= 0 {
			return 0, errors.New("bad key")
		}
		msg = msg[k:]
		switch key & 7 {
		case 0:
			_, k = binary.Uvarint(msg)
			if k <= 0 {
				return 0, errors.New("bad varint")
			}
			msg = msg[k:]
		case 2:
			l, k := binary.Uvarint(msg)
			if k <= 0 || l > uint64(len(msg)-k) {
				return 0, errors.New("bad length")
			}
			msg = msg[k+int(l):]
			if key>>3 == 6 {
				n++
			}
		case 1:
			msg = msg[8:]
		case 5:
			msg = msg[4:]
		default:
			return 0, fmt.Errorf("wire type %d", key&7)
		}
	}
	return n, nil
}

func appendString(out []byte, s string) []byte {
	out = binary.AppendUvarint(out, 6<<3|2)
	out = binary.AppendUvarint(out, uint64(len(s)))
	return append(out, s...)
}

func appendIndex(out []byte, field, index int) []byte {
	out = binary.AppendUvarint(out, uint64(field<<3))
	return binary.AppendUvarint(out, uint64(index))
}

func run() error {
	drop := flag.String("drop", "", "drop_frames regexp")
	keep := flag.String("keep", "", "keep_frames regexp")
	flag.Parse()
	if flag.NArg() != 2 || *drop == "" {
		return errors.New("usage: setframes -drop RE [-keep RE] IN.pb.gz OUT.pb.gz")
	}
	raw, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		return err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	msg, err := io.ReadAll(zr)
	if err != nil {
		return err
	}
	n, err := countStrings(msg)
	if err != nil {
		return fmt.Errorf("%s: %v", flag.Arg(0), err)
	}
	msg = appendString(msg, *drop)
	msg = appendIndex(msg, 7, n)
	if *keep != "" {
		msg = appendString(msg, *keep)
		msg = appendIndex(msg, 8, n+1)
	}
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	if _, err := zw.Write(msg); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(flag.Arg(1), out.Bytes(), 0o644)
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "setframes:", err)
		os.Exit(2)
	}
}
