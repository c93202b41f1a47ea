"""The corrupted-archive corpus of tests/unit/test_hardening.py, and its worker.

Variants are generated deterministically from the committed model archives
(tests/fuzz/models, saved by torch 2.x and 1.13): every variant has an integer
id, and `variant(id)` rebuilds its bytes, so a worker process needs only a
range of ids and a failure report needs only the id.

Kinds of variants, per base archive:
  trunc    truncations (every few bytes, and each of the last 64 bytes)
  flip     byte flips (xor 0x01 / 0x80 / 0xff / random) in every region: the
           central directory, each local header, each record's data, the
           end-of-central-directory and zip64 records
  multi    several random bytes overwritten at once
  absurd   zip header fields (sizes, offsets, counts, name/extra lengths,
           zip64 fields) set to 0, 1, 0x7fff..., 0xffff...
  pickle   data.pkl / constants.pkl replaced by a malicious or malformed pickle
  code     code/ files replaced by mutated TorchScript (token deletions,
           duplicated or swapped lines, deep nesting, binary junk)

Run as a script, it is the worker: `python hardening_corpus.py FIRST LAST`
loads (and, if that works, runs) variants FIRST..LAST-1, printing one line per
variant before it starts ("> id") and one line per unexpected outcome
("! id kind: message").  A crash or hang of the process thus names the variant
that caused it (the last "> id" line).
"""
import io
import os
import random
import struct
import sys
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(os.path.dirname(HERE), "fuzz", "models")



def model_args(name):
    """forward's arguments for a committed model (models/NAME.args: "T d0 d1 ..." a float32
    tensor of that shape filled with a ramp, "i v" an int)."""
    import numpy as np
    out = []
    with open(os.path.join(MODELS, name + ".args")) as f:
        for line in f:
            kind, *nums = line.split()
            if kind == "T":
                shape = tuple(int(d) for d in nums)
                out.append(np.linspace(-2, 2, int(np.prod(shape)), dtype=np.float32).reshape(shape))
            elif kind == "i":
                out.append(int(nums[0]))
    return out


PER_BASE = {"trunc": 120, "flip": 450, "multi": 200, "absurd": 120, "pickle": 110, "code": 160}
KINDS = list(PER_BASE)
PER_MODEL = sum(PER_BASE.values())


def bases():
    return sorted(n[:-3] for n in os.listdir(MODELS) if n.endswith(".pt"))


_cache = {}


def base_bytes(name):
    if name not in _cache:
        with open(os.path.join(MODELS, name + ".pt"), "rb") as f:
            _cache[name] = f.read()
    return _cache[name]


def count():
    return len(bases()) * PER_MODEL


def locate(vid):
    """id -> (base name, kind, index within kind)."""
    names = bases()
    b, r = divmod(vid, PER_MODEL)
    for k in KINDS:
        if r < PER_BASE[k]:
            return names[b], k, r
        r -= PER_BASE[k]
    raise IndexError(vid)


# ---- archive anatomy --------------------------------------------------------------------------

def regions(data):
    """[(name, start, end)] byte ranges of the archive's parts."""
    out = []
    eocd = data.rfind(b"PK\x05\x06")
    out.append(("eocd", eocd, eocd + 22))
    loc = data.rfind(b"PK\x06\x07")
    if loc >= 0:
        out.append(("zip64 locator", loc, loc + 20))
    e64 = data.rfind(b"PK\x06\x06")
    if e64 >= 0:
        out.append(("zip64 eocd", e64, e64 + 56))
    zf = zipfile.ZipFile(io.BytesIO(data))
    cd_start = min(_central_headers(data)) if _central_headers(data) else eocd
    out.append(("central directory", cd_start, e64 if e64 > cd_start else eocd))
    for info in zf.infolist():
        h = info.header_offset
        n, e = struct.unpack("<HH", data[h + 26:h + 30])
        start = h + 30 + n + e
        out.append(("local header " + info.filename, h, start))
        out.append(("data " + info.filename, start, start + info.compress_size))
    return [r for r in out if r[2] > r[1]]


def _central_headers(data):
    offs, i = [], data.find(b"PK\x01\x02")
    while i >= 0:
        offs.append(i)
        i = data.find(b"PK\x01\x02", i + 4)
    return offs


def rebuild(data, replace=None, compress=False):
    """Re-zip an archive with some records (named without the prefix) replaced."""
    src = zipfile.ZipFile(io.BytesIO(data))
    prefix = src.namelist()[0].split("/")[0]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as z:
        for info in src.infolist():
            rec = info.filename[len(prefix) + 1:]
            body = src.read(info.filename)
            if replace and rec in replace:
                body = replace[rec]
            z.writestr(info.filename, body)
    return out.getvalue()


def records(data):
    src = zipfile.ZipFile(io.BytesIO(data))
    prefix = src.namelist()[0].split("/")[0]
    return {n[len(prefix) + 1:]: src.read(n) for n in src.namelist()}


# ---- variant kinds ----------------------------------------------------------------------------

def v_trunc(data, i, rng):
    n = len(data)
    if i < 64:
        return data[:n - 1 - i]
    step = max(1, n // (PER_BASE["trunc"] - 64))
    return data[:((i - 64) * step) % n]


def v_flip(data, i, rng):
    regs = regions(data)
    name, start, end = regs[i % len(regs)]
    pos = start + rng.randrange(end - start)
    if i // len(regs) < 2:  # the first bytes of every region first: signatures, counts
        pos = start + min(end - start - 1, (i // len(regs)) * 4)
    m = bytearray(data)
    m[pos] ^= (0x01, 0x80, 0xFF, rng.randrange(1, 256))[i % 4]
    return bytes(m)


def v_multi(data, i, rng):
    m = bytearray(data)
    for _ in range(1 + i % 16):
        m[rng.randrange(len(m))] = rng.randrange(256)
    return bytes(m)


ABSURD = [0, 1, 0x7F, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF]
ABSURD64 = [0, 1, 2**31, 2**32, 2**62, 2**63 - 1, 2**63, 2**64 - 1]


def v_absurd(data, i, rng):
    m = bytearray(data)
    eocd = data.rfind(b"PK\x05\x06")
    e64 = data.rfind(b"PK\x06\x06")
    cds = _central_headers(data)
    fields = [(eocd + 8, "<H"), (eocd + 10, "<H"), (eocd + 12, "<I"), (eocd + 16, "<I"), (eocd + 20, "<H")]
    if e64 >= 0:
        fields += [(e64 + 4, "<Q"), (e64 + 24, "<Q"), (e64 + 32, "<Q"), (e64 + 40, "<Q"), (e64 + 48, "<Q")]
    loc = data.rfind(b"PK\x06\x07")
    if loc >= 0:
        fields += [(loc + 8, "<Q"), (loc + 16, "<I")]
    cd = cds[rng.randrange(len(cds))]
    # method, crc, csize, usize, name len, extra len, comment len, disk, local header offset
    fields += [(cd + 10, "<H"), (cd + 16, "<I"), (cd + 20, "<I"), (cd + 24, "<I"), (cd + 28, "<H"),
               (cd + 30, "<H"), (cd + 32, "<H"), (cd + 34, "<H"), (cd + 42, "<I")]
    # the local header's name and extra lengths
    lh = struct.unpack("<I", data[cd + 42:cd + 46])[0]
    if lh + 30 <= len(data):
        fields += [(lh + 26, "<H"), (lh + 28, "<H")]
    off, fmt = fields[i % len(fields)]
    vals = ABSURD64 if fmt == "<Q" else [v for v in ABSURD if v < (1 << (8 * struct.calcsize(fmt)))]
    struct.pack_into(fmt, m, off, vals[(i // len(fields) + rng.randrange(len(vals))) % len(vals)])
    return bytes(m)


def P(body):
    return b"\x80\x02" + body + b"."


def _bu(s):
    s = s.encode() if isinstance(s, str) else s
    return b"X" + struct.pack("<I", len(s)) + s


def rebuild_tensor(storage_key="0", dtype="FloatStorage", numel=4, offset=0, size=(2, 2), stride=(2, 1)):
    def tup(xs):
        return b"(" + b"".join(b"\x8a\x08" + struct.pack("<q", x) for x in xs) + b"t"
    return (b"ctorch._utils\n_rebuild_tensor_v2\n(" + b"(" + _bu("storage") + b"ctorch\n" + dtype.encode() + b"\n" +
            _bu(storage_key) + _bu("cpu") + b"\x8a\x08" + struct.pack("<q", numel) + b"tQ" +
            b"\x8a\x08" + struct.pack("<q", offset) + tup(size) + tup(stride) + b"\x89ccollections\nOrderedDict\n)Rtr")


MALICIOUS = [
    P(b"cos\nsystem\nX\x02\x00\x00\x00lsR"),
    P(b"cbuiltins\neval\nX\x01\x00\x00\x001\x85R"),
    P(b"cposix\nsystem\n" + _bu("id") + b"\x85R"),
    P(b"csubprocess\nPopen\n" + _bu("id") + b"\x85R"),
    P(b"c__builtin__\ngetattr\n)R"),
    P(b"cbuiltins\n__import__\n" + _bu("os") + b"\x85R"),
    P(b"ctorch\nload\n" + _bu("x") + b"\x85R"),
    P(b"ctorch._utils\n_rebuild_tensor_v2\n)R"),
    P(b"c__torch__\nNoSuchClass\n)\x81"),
    P(b"c__torch__.torch.nn.modules.conv\nConv2d\n)\x81"),
    P(b"]" * 5000 + b"a" * 4999),
    P(b"(" * 5000 + b"t" * 5000),
    P(b"}" * 3000 + b"K\x01K\x02s" * 10),
    P(b"\x8a\x08" + struct.pack("<q", 2**63 - 1) + b"h\xff"),
    P(b"h\x05"),
    P(b"j\xff\xff\xff\xff"),
    P(b"r\xff\xff\xff\x7f"),
    P(b"]q\x00h\x00a"),  # list appended to itself (cycle through the memo)
    P(b"X\xff\xff\xff\xff"),
    P(b"B\xff\xff\xff\x7f"),
    P(b"C\xff"),
    P(b"\x8c\xff"),
    P(b"\x8d\xff\xff\xff\xff\xff\xff\xff\xff"),
    P(b"\x8e\xff\xff\xff\xff\xff\xff\xff\x7f"),
    P(b"\x8b\xff\xff\xff\x7f"),
    P(b"\x8a\xff"),
    P(b"t"),
    P(b"e"),
    P(b"s"),
    P(b"0"),
    P(b"1"),
    P(b"2"),
    P(b"R"),
    P(b"b"),
    P(b"\x81"),
    P(b"Q"),
    P(b"N\x85Q"),
    P(b"K\x01K\x02R"),
    P(b"(K\x01K\x02K\x03\x81"),
    P(b"NNb"),
    P(b"]N\x86b"),
    P(b"F1e999999\n"),
    P(b"Inot a number\n"),
    P(b"L99999999999999999999999999999999999999L\n"),
    P(b"Gnannannan"),
    P(b"V\xff\xfe\n"),
    P(b"X\x02\x00\x00\x00\xff\xfe"),
    P(rebuild_tensor(numel=2**60)),
    P(rebuild_tensor(numel=-1)),
    P(rebuild_tensor(numel=4, size=(2, 3))),
    P(rebuild_tensor(numel=4, offset=2**62)),
    P(rebuild_tensor(numel=4, offset=-5)),
    P(rebuild_tensor(numel=4, size=(-1, 2))),
    P(rebuild_tensor(numel=4, size=(2**40, 2**40), stride=(2**40, 1))),
    P(rebuild_tensor(numel=4, size=(2, 2), stride=(-1, 1))),
    P(rebuild_tensor(numel=4, size=(2, 2), stride=(2**62, 2**62))),
    P(rebuild_tensor(numel=4, size=(2,) * 40, stride=(1,) * 40)),
    P(rebuild_tensor(numel=4, size=(2, 2), stride=(2,))),
    P(rebuild_tensor(storage_key="../../etc/passwd")),
    P(rebuild_tensor(storage_key="")),
    P(rebuild_tensor(storage_key="no_such_record")),
    P(rebuild_tensor(storage_key="0" * 5000)),
    P(rebuild_tensor(dtype="QInt8Storage")),
    P(rebuild_tensor(dtype="NoSuchStorage")),
    P(rebuild_tensor(dtype="ComplexFloatStorage")),
    P(b"ctorch\ndevice\n" + _bu("cuda:99999999999") + b"\x85R"),
    P(b"ctorch\ndevice\n" + _bu("bogus") + b"\x85R"),
    P(b"ctorch\ndevice\nK\x01\x85R"),
    P(b"ctorch.jit._pickle\nbuild_intlist\n" + b"]" + b"X\x01\x00\x00\x00a" + b"a\x85R"),
    P(b"ctorch.jit._pickle\nbuild_tensorlist\n]K\x01a\x85R"),
    P(b"ctorch.jit._pickle\nrestore_type_tag\n]" + _bu("Dict[str, List[Tuple[" * 200 + "int") + b"\x86R"),
    P(b"ctorch.jit._pickle\nrestore_type_tag\n]" + _bu("NoSuchType[") + b"\x86R"),
    P(b"ctorch.jit._pickle\nrestore_type_tag\n}" + _bu("Dict[str, int]") + b"\x86R"),
    P(b"ccollections\nOrderedDict\n" + b"K\x01\x85R"),
    P(b"ctorch._utils\n_rebuild_parameter\n(NK\x01\x89tR"),
    P(b"ctorch._utils\n_rebuild_qtensor\n)R"),
    P(b"cbuiltins\nset\n)R"),
    P(b"\x80\x05\x95\xff\xff\xff\xff\xff\xff\xff\xff"),
    b"",
    b"\x80",
    b"\x80\x02",
    b"\x80\x09N.",
    b"N",
    b"." * 100,
    b"\x80\x02" + b"(" * 100000,
    b"\x80\x02" + b"N" * 200000 + b".",
    b"\x80\x02" + b"]" + b"N" * 100000 + b"e.",
    b"\x80\x02" + b"}" + b"(" + b"K\x01N" * 50000 + b"u.",
    b"\x80\x02" + b"\x8a\x08" + b"\xff" * 8 + b"J\xff\xff\xff\xff" * 100 + b".",
]


def v_pickle(data, i, rng):
    recs = records(data)
    target = "data.pkl" if i % 3 or "constants.pkl" not in recs else "constants.pkl"
    if i < len(MALICIOUS):
        body = MALICIOUS[i]
    else:  # splice a malicious fragment into the real pickle
        real = recs[target]
        frag = MALICIOUS[rng.randrange(len(MALICIOUS))][2:-1]
        pos = rng.randrange(len(real))
        body = real[:pos] + frag + real[pos + rng.randrange(0, 8):]
    return rebuild(data, {target: body}, compress=(i % 7 == 0))


def _mutate_code(text, i, rng):
    lines = text.split(b"\n")
    k = i % 10
    if k == 0:  # delete a token-ish span
        p = rng.randrange(len(text))
        return text[:p] + text[p + rng.randrange(1, 12):]
    if k == 1:  # duplicate a line
        j = rng.randrange(len(lines))
        return b"\n".join(lines[:j + 1] + [lines[j]] + lines[j + 1:])
    if k == 2:  # swap two lines
        a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[a], lines[b] = lines[b], lines[a]
        return b"\n".join(lines)
    if k == 3:  # deep brackets in an expression
        d = rng.choice([50, 199, 200, 201, 1000, 100000])
        return text.replace(b"return ", b"return " + b"(" * d + b"0" + b")" * d + b" + ", 1)
    if k == 4:  # deep blocks
        d = rng.choice([20, 99, 100, 101, 500])
        body = b"".join(b"  " * (2 + j) + b"if True:\n" for j in range(d)) + b"  " * (2 + d) + b"pass\n"
        return text.replace(b"    return ", body + b"    return ", 1)
    if k == 5:  # binary junk
        p = rng.randrange(len(text))
        return text[:p] + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16))) + text[p:]
    if k == 6:  # change indentation
        j = rng.randrange(len(lines))
        lines[j] = b" " * rng.randrange(0, 9) + lines[j].lstrip()
        return b"\n".join(lines)
    if k == 7:  # a long flat expression chain
        n = rng.choice([1000, 50000])
        return text.replace(b"return ", b"_z = " + b"+".join([b"1"] * n) + b"\n    return ", 1)
    if k == 8:  # rename a called op or attribute
        return text.replace(b"torch.", b"torch.x", 1) if rng.random() < 0.5 else text.replace(b"self.", b"self.zz", 1)
    return text[:rng.randrange(len(text))]  # truncated file


def v_code(data, i, rng):
    recs = records(data)
    code = sorted(r for r in recs if r.startswith("code/") and r.endswith(".py"))
    if not code:
        return v_multi(data, i, rng)
    rec = code[i % len(code)]
    return rebuild(data, {rec: _mutate_code(recs[rec], i, rng)})


GEN = {"trunc": v_trunc, "flip": v_flip, "multi": v_multi, "absurd": v_absurd, "pickle": v_pickle, "code": v_code}


def variant(vid):
    name, kind, i = locate(vid)
    rng = random.Random(vid * 7919 + 6)
    return name, kind, GEN[kind](base_bytes(name), i, rng)


# ---- worker -------------------------------------------------------------------------------------

def walk(m):
    """Everything the Python API shows of a loaded module."""
    for _, mod in m.named_modules():
        mod.qualified_name, mod.code, mod.method_names(), dir(mod)
        for a in mod.attribute_names():
            getattr(mod, a)
    m.state_dict(), list(m.named_buffers()), m.extra_files, m.file_version, m.archive_prefix


def check_one(vid, pyts):
    """Load and run one variant; returns None or a description of what went wrong."""
    name, kind, data = variant(vid)
    try:
        m = pyts.load(data)
    except pyts.Error as e:
        # LoadError mostly; also OutOfMemoryError, UnsupportedOperatorError (a mutated op name),
        # ScriptError (a __setstate__ raised)
        return None if str(e) else "%s without a message" % type(e).__name__
    except Exception as e:  # noqa: BLE001 - anything else is the failure we look for
        return "load raised %s: %s" % (type(e).__name__, e)
    try:
        walk(m)
        m.forward(*model_args(name))
    except pyts.Error as e:
        if not str(e):
            return "%s without a message" % type(e).__name__
    except Exception as e:  # noqa: BLE001
        return "run raised %s: %s" % (type(e).__name__, str(e)[:300])
    return None


def main(first, last):
    import faulthandler

    import pyts
    faulthandler.enable()
    pyts.set_memory_limit(512 << 20)
    out = sys.stdout
    for vid in range(first, last):
        out.write("> %d\n" % vid)
        out.flush()
        msg = check_one(vid, pyts)
        if msg:
            name, kind, _ = locate(vid)
            out.write("! %d %s/%s: %s\n" % (vid, name, kind, msg.replace("\n", " | ")[:500]))
    out.write("done\n")
    out.flush()


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "count":
        print(count())
    elif len(sys.argv) == 3 and sys.argv[1] == "show":
        n, k, d = variant(int(sys.argv[2]))
        sys.stdout.buffer.write(d)
    else:
        main(int(sys.argv[1]), int(sys.argv[2]))
