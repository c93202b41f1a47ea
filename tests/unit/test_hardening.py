"""Hardening: a corpus of >= 10,000 corrupted archives and the out-of-memory loop.

Both run in subprocesses (tests/unit/hardening_corpus.py, hardening_faults.py) so that a
crash or a hang is reported with the variant or the allocation number that caused it,
instead of killing pytest.  No torch needed: the variants are built from the committed
archives of tests/fuzz/models (saved by torch 2.x and 1.13).

* test_corrupted_archive_corpus: every variant (truncations, byte flips in every region,
  several bytes at once, absurd zip header fields, malicious pickles, mutated code) is
  loaded and, if it loads, walked and run: success or a pyts.Error with a message; never a
  crash, a hang, or another exception type.
* test_out_of_memory_loop: for every N until a load + forward succeeds without reaching
  its Nth allocation, that allocation fails: a clean pyts.Error (OutOfMemoryError), a
  correct result if the failure was absorbed, and no leaked allocation.
"""
import os
import re
import subprocess
import sys

import pytest

import pyts

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import hardening_corpus  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
TIMEOUT = float(os.environ.get("PYTS_HARDENING_TIMEOUT", "300"))


def _env():
    env = dict(os.environ)
    pkg = os.path.dirname(os.path.dirname(os.path.abspath(pyts.__file__)))
    env["PYTHONPATH"] = os.pathsep.join([pkg, env.get("PYTHONPATH", "")])
    return env


def _run_worker(script, args, timeout):
    """Run a worker; returns (returncode or None on timeout, stdout text, stderr text)."""
    p = subprocess.Popen([sys.executable, os.path.join(HERE, script)] + [str(a) for a in args],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), cwd=ROOT)
    try:
        out, err = p.communicate(timeout=timeout)
        return p.returncode, out.decode(errors="replace"), err.decode(errors="replace")
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return None, out.decode(errors="replace"), err.decode(errors="replace")


def _last_started(out):
    started = re.findall(r"^> (\d+)$", out, re.M)
    return int(started[-1]) if started else None


def test_corpus_is_big_enough():
    assert hardening_corpus.count() >= 10000
    kinds = {hardening_corpus.locate(i)[1] for i in range(hardening_corpus.PER_MODEL)}
    assert kinds == set(hardening_corpus.KINDS)


def test_variants_are_deterministic_and_distinct():
    a = [hardening_corpus.variant(i)[2] for i in range(0, 3000, 97)]
    b = [hardening_corpus.variant(i)[2] for i in range(0, 3000, 97)]
    assert a == b
    assert len(set(a)) > len(a) * 0.9


SHARDS = 4


@pytest.mark.parametrize("shard", range(SHARDS))
def test_corrupted_archive_corpus(shard):
    total = hardening_corpus.count()
    per = (total + SHARDS - 1) // SHARDS
    first, last = shard * per, min(total, (shard + 1) * per)
    problems, crashes = [], []
    while first < last:
        rc, out, err = _run_worker("hardening_corpus.py", [first, last], TIMEOUT)
        problems += re.findall(r"^! .*$", out, re.M)
        if rc == 0 and out.rstrip().endswith("done"):
            break
        vid = _last_started(out)
        if vid is None:
            pytest.fail("corpus worker failed to start (rc %s):\n%s" % (rc, err[-3000:]))
        name, kind, _ = hardening_corpus.locate(vid)
        what = "hung (> %ds)" % TIMEOUT if rc is None else "crashed (exit %s)" % rc
        crashes.append("variant %d (%s/%s) %s; reproduce: python tests/unit/hardening_corpus.py show %d > v.pt\n%s"
                       % (vid, name, kind, what, vid, err[-2000:]))
        first = vid + 1  # go on after the crashing variant
    assert not crashes and not problems, "\n".join(crashes + problems[:50])


MODELS = sorted(f[:-3] for f in os.listdir(hardening_corpus.MODELS) if f.endswith(".pt"))


# every model from bytes; two also from a path (the archive is mapped, not copied)
CASES = [(m, "bytes") for m in MODELS] + [(m, "path") for m in ("smallnet_traced", "containers") if m in MODELS]


@pytest.mark.parametrize("model,source", CASES)
def test_out_of_memory_loop(model, source):
    rc, out, err = _run_worker("hardening_faults.py", [model, source], TIMEOUT)
    problems = re.findall(r"^! .*$", out, re.M)
    if rc != 0:
        n = _last_started(out)
        pytest.fail("%s: the out-of-memory loop %s at N=%s\n%s\n%s" % (
            model, "hung" if rc is None else "crashed (exit %s)" % rc, n, "\n".join(problems[:20]), err[-3000:]))
    summary = re.search(r"^reached N=(\d+) allocations=(\d+) problems=(\d+) outcomes=(.*)$", out, re.M)
    assert summary, out[-2000:] + err[-2000:]
    assert not problems, "\n".join(problems[:50])
    assert int(summary.group(1)) > 10, "the loop stopped too early: %s" % summary.group(0)
    assert "OutOfMemoryError" in summary.group(4), summary.group(0)


def test_error_messages_with_undecodable_bytes():
    """A message quoting non-UTF-8 bytes from the file is still a pyts.Error (was a
    UnicodeDecodeError: csrc/python/pyconv.c decoded messages strictly)."""
    base = hardening_corpus.base_bytes("attrs")
    evil = b"\x80\x02c\xff\xfe\x8a\nname\n)R."
    with pytest.raises(pyts.LoadError, match=r"\\xff"):
        pyts.load(hardening_corpus.rebuild(base, {"data.pkl": evil}))


def test_source_with_undecodable_bytes():
    """A code file with non-UTF-8 bytes in a comment loads; its source is shown with
    escapes (was a UnicodeDecodeError from Module.code)."""
    base = hardening_corpus.base_bytes("attrs")
    code = hardening_corpus.records(base)["code/__torch__.py"]
    bad = code.replace(b"  def forward", b"  # \xff\xfe junk\n  def forward", 1)
    m = pyts.load(hardening_corpus.rebuild(base, {"code/__torch__.py": bad}))
    assert "\\xff" in m.code
    assert m.qualified_name == "__torch__.Attrs"


def test_record_name_with_undecodable_bytes():
    import io
    import zipfile
    base = hardening_corpus.base_bytes("attrs")
    src = zipfile.ZipFile(io.BytesIO(base))
    prefix = src.namelist()[0].split("/")[0]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info.filename))
        z.writestr(prefix + "/extra/xQZ.txt", b"data")
    data = out.getvalue().replace(b"/extra/xQZ.txt", b"/extra/x\xff\xfe.txt")  # same length, both headers
    # the zip reader refuses names that are not UTF-8, and the message shows the bytes escaped
    with pytest.raises(pyts.LoadError, match=r"x\\xff\\xfe\.txt.*not valid UTF-8"):
        pyts.load(data)
