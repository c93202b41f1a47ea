"""Every operator pyts registers carries torch's exact schema string, and the
registry orders the overloads of each symbol as torch does (so a call site
binds to the overload torch would choose)."""
import collections

import torch

import pyts

try:  # torchvision's ops (torchvision::nms, ...) are listed by torch once torchvision is imported
    import torchvision  # noqa: F401
except ImportError:  # pragma: no cover - without it, pyts's torchvision:: ops are not compared
    torchvision = None


def torch_schemas():
    return [str(s) for s in torch._C._jit_get_all_schemas()]


def pyts_schemas():
    """pyts's registered schemas (its torchvision:: ops only when torchvision is there to compare with)."""
    return [s for s in pyts.supported_ops() if torchvision is not None or not s.startswith("torchvision::")]


def test_every_registered_schema_is_torchs():
    theirs = set(torch_schemas())
    ours = pyts_schemas()
    missing = [s for s in ours if s not in theirs]
    assert not missing, "schemas not identical to torch's:\n" + "\n".join(missing[:50])
    assert len(ours) == len(set(ours)), "a schema is registered twice"


def test_overload_order_follows_torch():
    theirs = collections.defaultdict(list)
    for s in torch_schemas():
        theirs[s.split("(")[0].split(".")[0]].append(s)
    names = {s.split("(")[0].split(".")[0] for s in pyts_schemas()}
    multi = 0
    for name in sorted(names):
        ours = pyts._C.overloads(name)  # the order call sites try them in
        assert ours, name
        expected = [s for s in theirs[name] if s in set(ours)]
        assert ours == expected, "%s: pyts tries %s, torch %s" % (name, ours, expected)
        multi += len(ours) > 1
    assert multi > 50  # many symbols really have several overloads
