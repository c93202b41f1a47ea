"""Bad input never crashes: truncated, corrupted and malicious archives each
give pyts.LoadError with a message naming what and where (no torch needed).

The corpus is built from the committed fixtures: truncations at many points,
byte flips in the central directory, local headers, pickles and deflated
code, absurd sizes and counts, forbidden pickle globals, deep nesting and
short storages."""
import io
import os
import struct
import zipfile
import zlib

import pytest

import pyts

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "torch113")
BASES = ["attrs.pt", "smallnet_traced.pt", "controlflow.pt"]


def read(name):
    with open(os.path.join(DATA, name), "rb") as f:
        return f.read()


def try_load(data):
    """Load must succeed or raise pyts.Error; returns the exception or None."""
    try:
        m = pyts.load(data)
    except pyts.Error as e:
        assert str(e), "empty error message"
        return e
    # a loaded module must be usable: walk it
    m.state_dict()
    return None


def regions(data):
    """(name, start, end) byte ranges of the archive's parts."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    out = []
    eocd = data.rfind(b"PK\x05\x06")
    cd_start = struct.unpack("<I", data[eocd + 16: eocd + 20])[0]
    out.append(("central directory", cd_start, eocd + 22))
    for info in zf.infolist():
        h = info.header_offset
        n, e = struct.unpack("<HH", data[h + 26: h + 30])
        start = h + 30 + n + e
        out.append(("local header " + info.filename, h, start))
        out.append(("data " + info.filename, start, start + info.compress_size))
    return out


@pytest.mark.parametrize("base", BASES)
def test_truncation_everywhere(base):
    data = read(base)
    cuts = sorted(set(list(range(0, len(data), 97)) + [len(data) - k for k in range(1, 64)]))
    errors = 0
    for cut in cuts:
        e = try_load(data[:cut])
        assert e is not None, "truncated at %d of %d bytes but loaded" % (cut, len(data))
        assert isinstance(e, pyts.LoadError), (cut, type(e), str(e))
        errors += 1
    assert errors == len(cuts)


@pytest.mark.parametrize("base", BASES)
def test_byte_flips_in_every_region(base):
    data = read(base)
    count = 0
    for name, start, end in regions(data):
        step = 1 if (end - start) < 400 else max(1, (end - start) // 300)
        for pos in range(start, end, step):
            for xor in (0x01, 0xFF):
                mutated = bytearray(data)
                mutated[pos] ^= xor
                e = try_load(bytes(mutated))
                count += 1
                if e is not None and not isinstance(e, (pyts.LoadError, pyts.OutOfMemoryError)):
                    raise AssertionError("%s byte %d: unexpected %s: %s" % (name, pos, type(e).__name__, e))
    assert count > 1000


def test_wrong_magic_and_not_a_zip():
    data = read("attrs.pt")
    with pytest.raises(pyts.LoadError, match="zip"):
        pyts.load(b"not a zip file at all" * 10)
    with pytest.raises(pyts.LoadError, match=r"not a zip archive: no end-of-central-directory record \(file is only 0 "
                                             r"bytes\)"):
        pyts.load(b"")
    with pytest.raises(pyts.LoadError, match="PTMF|flatbuffer"):
        pyts.load(b"\x00\x00\x00\x00PTMF" + data[8:])
    with pytest.raises(pyts.LoadError, match=r"legacy PyTorch preview format \(magic 'PYTORCH1'\) is not supported"):
        pyts.load(b"PYTORCH1" + data[8:])


def test_missing_file_is_a_load_error(tmp_path):
    with pytest.raises(pyts.LoadError, match="nope.pt"):
        pyts.load(str(tmp_path / "nope.pt"))


def rebuild(base, replace=None, drop=(), add=None):
    """Re-zip an archive with some records replaced / dropped / added."""
    src = zipfile.ZipFile(io.BytesIO(read(base)))
    prefix = src.namelist()[0].split("/")[0]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            rec = info.filename[len(prefix) + 1:]
            if rec in drop:
                continue
            data = src.read(info.filename)
            if replace and rec in replace:
                data = replace[rec]
            z.writestr(info.filename, data)
        for rec, data in (add or {}).items():
            z.writestr(prefix + "/" + rec, data)
    return out.getvalue()


def pickle_bytes(body):
    return b"\x80\x02" + body + b"."


@pytest.mark.parametrize("module,name", [(b"os", b"system"), (b"builtins", b"eval"), (b"posix", b"system"),
                                         (b"subprocess", b"Popen"), (b"__builtin__", b"getattr")])
def test_forbidden_globals(module, name):
    evil = pickle_bytes(b"c" + module + b"\n" + name + b"\nX\x04\x00\x00\x00echo\x85R")
    with pytest.raises(pyts.LoadError, match=name.decode()):
        pyts.load(rebuild("attrs.pt", replace={"data.pkl": evil}))


def test_deep_nesting_is_limited():
    body = b"]" * 100000 + b"a" * 99999
    with pytest.raises(pyts.Error, match="(?i)nest|depth|deep"):
        pyts.load(rebuild("attrs.pt", replace={"data.pkl": pickle_bytes(body)}))


def test_short_storage():
    src = zipfile.ZipFile(io.BytesIO(read("attrs.pt")))
    rec = [n for n in src.namelist() if "/data/" in n][0].split("/", 1)[1]
    with pytest.raises(pyts.LoadError, match="holds .* bytes but its storage needs"):
        pyts.load(rebuild("attrs.pt", replace={rec: b"\x00" * 3}))


def test_missing_records():
    with pytest.raises(pyts.LoadError, match="data.pkl"):
        pyts.load(rebuild("attrs.pt", drop={"data.pkl"}))
    with pytest.raises(pyts.LoadError, match="version"):
        pyts.load(rebuild("attrs.pt", drop={"version"}))
    with pytest.raises(pyts.LoadError, match="code/__torch__.py|not defined"):
        pyts.load(rebuild("attrs.pt", drop={"code/__torch__.py"}))


def test_absurd_counts_in_the_directory():
    data = bytearray(read("attrs.pt"))
    eocd = data.rfind(b"PK\x05\x06")
    for off, fmt, val in [(8, "<H", 0xFFFF), (10, "<H", 0xFFFF), (12, "<I", 0xFFFFFFF0), (16, "<I", 0xFFFFFFF0)]:
        m = bytearray(data)
        struct.pack_into(fmt, m, eocd + off, val)
        e = try_load(bytes(m))
        assert e is None or isinstance(e, pyts.LoadError)


def test_huge_storage_numel_is_not_allocated():
    # a pickle claiming a storage of 2**60 elements must fail cleanly, without allocating
    body = (b"ctorch._utils\n_rebuild_tensor_v2\n(("
            b"X\x07\x00\x00\x00storage"
            b"ctorch\nFloatStorage\n"
            b"X\x01\x00\x00\x000X\x03\x00\x00\x00cpu"
            b"\x8a\x08" + struct.pack("<q", 2**60) + b"tQK\x00K\x01\x85K\x01\x85\x89ccollections\nOrderedDict\n)Rtr")
    with pytest.raises(pyts.LoadError, match=r"record 'data/0' holds 0 bytes but its storage needs "
                                             r"4611686018427387904 \(1152921504606846976 x float32\)"):
        pyts.load(rebuild("attrs.pt", replace={"data.pkl": pickle_bytes(body)}))


def test_bad_code_file():
    bad = b"class Attrs(Module):\n  def forward(self\n"
    with pytest.raises(pyts.LoadError, match=r"code/__torch__.py:\d+"):
        pyts.load(rebuild("attrs.pt", replace={"code/__torch__.py": bad}))
    with pytest.raises(pyts.LoadError, match="code/__torch__.py contains a NUL byte"):
        pyts.load(rebuild("attrs.pt", replace={"code/__torch__.py": zlib.compress(b"x" * 100)}))
