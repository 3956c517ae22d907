#!/usr/bin/env python3
"""gen_pclntab_seeds.py (run in corpus/pclntab) — writes two tiny .gopclntab tables (Go 1.18 and 1.20 layouts) as seeds
for fuzz_pclntab: two functions, one with a call inlined into it. The fuzz target uses
the input itself as go:func.* (base 0), so funcdata offsets are offsets into the file."""
import struct


def table(layout):
    names = b"main.a\0main.b\0main.inl\0"
    cutab = struct.pack("<I", 0)
    files = b"a.go\0"
    # pc-value tables; offset 0 means "none", so a pad byte comes first
    pcsp = bytes([0x02, 0x04, 0x10, 0x0C, 0x00])     # 0 for 4 bytes, then 8 for 12
    pcfile = bytes([0x02, 0x10, 0x00])               # file 0 for 16 bytes
    pcln = bytes([0x16, 0x10, 0x00])                 # line 10 for 16 bytes
    pcinl = bytes([0x00, 0x08, 0x02, 0x08, 0x00])    # -1 for 8 bytes, then entry 0
    pctab = b"\0" + pcsp + pcfile + pcln + pcinl
    o_sp, o_file, o_ln, o_inl = 1, 1 + len(pcsp), 1 + len(pcsp) + len(pcfile), 1 + len(pcsp) + len(pcfile) + len(pcln)
    hdr_len = 8 + 8 * 8
    o_names = hdr_len
    o_cu = o_names + len(names)
    o_files = o_cu + len(cutab)
    o_pctab = o_files + len(files)
    o_funcs = o_pctab + len(pctab)
    fsize = 40 if layout == 118 else 44
    ftab_len = 3 * 8
    rec_a = ftab_len
    rec_b = rec_a + fsize + 3 * 4 + 4 * 4
    end = rec_b + fsize
    inltree_at = o_funcs + end  # after the function records, in the same file

    def func(entry, nameoff, npcdata, nfuncdata, pcdata, funcdata):
        head = struct.pack("<IiiIIIIII", entry, nameoff, 0, 0, o_sp, o_file, o_ln, npcdata, 0)
        if layout != 118:
            head += struct.pack("<i", 9)
        head += bytes([0, 0, 0, nfuncdata])
        return head + b"".join(struct.pack("<I", x) for x in pcdata + funcdata)

    a = func(0, 0, 3, 4, [0, 0, o_inl], [0xFFFFFFFF] * 3 + [inltree_at])
    b = func(16, 7, 0, 0, [], [])
    ftab = struct.pack("<IIIIII", 0, rec_a, 16, rec_b, 32, 0)
    funcs = ftab + a + b
    if layout == 118:  # parent, funcID, _, file, line, func_, parentPc
        inl = struct.pack("<hBBiiii", -1, 0, 0, 0, 12, 14, 2)
    else:              # funcID, _[3], nameOff, parentPc, startLine
        inl = struct.pack("<B3xiii", 0, 14, 2, 11)
    magic = 0xFFFFFFF0 if layout == 118 else 0xFFFFFFF1
    hdr = struct.pack("<IBBBB", magic, 0, 0, 1, 8)
    hdr += struct.pack("<QQQQQQQQ", 2, 1, 0x401000, o_names, o_cu, o_files, o_pctab, o_funcs)
    return hdr + names + cutab + files + pctab + funcs + inl


for layout in (118, 120):
    with open("seed-go%d.bin" % layout, "wb") as f:
        f.write(table(layout))
