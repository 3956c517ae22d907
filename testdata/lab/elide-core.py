#!/usr/bin/env python3
"""elide-core.py IN OUT — rewrite an ELF64 core file without its all-zero pages.

A Go process on linux/amd64 maps tens of MB that it never touches (the heap-arena
index, Go 1.24+'s 32 MB crypto/internal/fips140/drbg.memory BSS array, ...). The kernel
writes those pages as holes, so the core is small on disk but 50-80 MB long, and git
would store and check out every zero. This keeps the core's notes and every page with
data byte for byte, and describes each run of all-zero pages as a PT_LOAD with the same
vaddr/flags and p_filesz = 0 (the form the kernel itself uses for mappings it does not
dump). Rule for readers: bytes of a PT_LOAD between p_filesz and p_memsz read as zero.
Only cores (e_type ET_CORE, ELFCLASS64, little-endian) are accepted.
"""
import struct
import sys

PAGE = 4096
PT_LOAD = 1


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: elide-core.py IN OUT")
    data = open(sys.argv[1], "rb").read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.exit("elide-core: not a little-endian ELF64 file")
    (e_type, e_machine, e_version, e_entry, e_phoff, e_shoff, e_flags, e_ehsize,
     e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx) = struct.unpack_from("<HHIQQQIHHHHHH", data, 16)
    if e_type != 4:
        sys.exit("elide-core: not a core file (e_type %d)" % e_type)
    # gcore also writes section headers mirroring the segments: they are dropped
    if e_phnum == 0xFFFF:
        sys.exit("elide-core: cores with extended numbering are not handled")
    phdrs = [list(struct.unpack_from("<IIQQQQQQ", data, e_phoff + i * e_phentsize)) for i in range(e_phnum)]

    out_ph = []  # (p_type, p_flags, src_off or None, vaddr, paddr, filesz, memsz, align)
    for p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align in phdrs:
        if p_type != PT_LOAD or p_filesz == 0:
            out_ph.append((p_type, p_flags, p_offset if p_filesz else None, p_vaddr, p_paddr, p_filesz, p_memsz, p_align))
            continue
        # split [0, p_filesz) into runs of non-zero / all-zero pages
        runs = []
        off = 0
        while off < p_filesz:
            n = min(PAGE, p_filesz - off)
            chunk = data[p_offset + off:p_offset + off + n]
            zero = chunk.count(0) == n
            if runs and runs[-1][0] == zero:
                runs[-1][2] += n
            else:
                runs.append([zero, off, n])
            off += n
        for i, (zero, roff, rlen) in enumerate(runs):
            memsz = rlen
            if i == len(runs) - 1:
                memsz += p_memsz - p_filesz
            out_ph.append((p_type, p_flags, None if zero else p_offset + roff,
                           p_vaddr + roff, 0, 0 if zero else rlen, memsz, p_align))

    phnum = len(out_ph)
    if phnum >= 0xFFFF:
        sys.exit("elide-core: too many program headers")
    ph_size = phnum * e_phentsize
    # non-LOAD contents (notes) right after the headers, LOAD data page-aligned after that
    body = bytearray()
    pos = 64 + ph_size
    placed = []
    for ph in out_ph:
        p_type, p_flags, src, vaddr, paddr, filesz, memsz, align = ph
        if src is None or p_type == PT_LOAD:
            placed.append(None)
            continue
        placed.append(pos + len(body))
        body += data[src:src + filesz]
    pos_load = pos + len(body)
    pos_load = (pos_load + PAGE - 1) // PAGE * PAGE
    body += b"\0" * (pos_load - pos - len(body))
    for i, ph in enumerate(out_ph):
        p_type, p_flags, src, vaddr, paddr, filesz, memsz, align = ph
        if p_type == PT_LOAD:
            if src is None:
                placed[i] = pos + len(body)
            else:
                placed[i] = pos + len(body)
                body += data[src:src + filesz]

    hdr = bytearray(data[:64])
    struct.pack_into("<QQ", hdr, 32, 64, 0)           # e_phoff, e_shoff
    struct.pack_into("<HHHH", hdr, 56, phnum, 0, 0, 0)  # e_phnum, e_shentsize, e_shnum, e_shstrndx
    out = bytearray(hdr)
    for i, (p_type, p_flags, src, vaddr, paddr, filesz, memsz, align) in enumerate(out_ph):
        out += struct.pack("<IIQQQQQQ", p_type, p_flags, placed[i], vaddr, paddr, filesz, memsz, align)
    out += body
    with open(sys.argv[2], "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
