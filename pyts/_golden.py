"""Golden files: one .npz holding a TorchScript archive, the inputs of one
call and torch's outputs (float32, and float64 for the rounding rule), so
that pyts can be checked against torch where torch is not installed.

The file is a NumPy .npz (a zip of .npy arrays) readable with
allow_pickle=False: no pickled objects.  Entries:
- "archive": the .pt file's bytes (uint8);
- "meta": UTF-8 JSON (uint8): {"format": "pyts-golden", "version": 1,
  "model", "method", "torch", "pyts", "inputs", "outputs", "reference"},
  where inputs/outputs/reference are the value trees encoded by _encode
  (tuples, lists, dicts, None, bool, int, float, complex, str; arrays
  stand as {"array": name});
- "in0", "out3", "ref1", ...: the arrays.

Writing needs torch (pyts.testing.record); reading and checking
(pyts.testing.assert_matches_record) need only NumPy and pyts."""
import io
import json

import numpy as np

FORMAT = "pyts-golden"
VERSION = 1


def _encode(v, arrays, prefix):
    if isinstance(v, np.ndarray):
        if v.dtype.kind not in "biufc":
            raise ValueError("cannot record an array of dtype %s" % v.dtype)
        name = "%s%d" % (prefix, sum(1 for k in arrays if k.startswith(prefix)))
        arrays[name] = v
        return {"array": name}
    if isinstance(v, tuple):
        return {"tuple": [_encode(x, arrays, prefix) for x in v]}
    if isinstance(v, list):
        return {"list": [_encode(x, arrays, prefix) for x in v]}
    if isinstance(v, dict):
        return {"dict": [[_encode(k, arrays, prefix), _encode(x, arrays, prefix)] for k, x in v.items()]}
    if v is None or isinstance(v, (bool, str)):
        return {"value": v}
    if isinstance(v, (int, np.integer)):
        return {"int": str(int(v))}
    if isinstance(v, (float, np.floating)):
        return {"float": repr(float(v))}
    if isinstance(v, complex):
        return {"complex": [repr(v.real), repr(v.imag)]}
    raise ValueError("cannot record a value of type %s" % type(v).__name__)


def _decode(node, arrays):
    (kind, x), = node.items()
    if kind == "array":
        return arrays[x]
    if kind == "tuple":
        return tuple(_decode(y, arrays) for y in x)
    if kind == "list":
        return [_decode(y, arrays) for y in x]
    if kind == "dict":
        return {_decode(k, arrays): _decode(y, arrays) for k, y in x}
    if kind == "value":
        return x
    if kind == "int":
        return int(x)
    if kind == "float":
        return float(x)
    if kind == "complex":
        return complex(float(x[0]), float(x[1]))
    raise ValueError("unknown node %r in a golden file" % kind)


def write(path, archive, inputs, outputs, reference, meta):
    """Write a golden file: archive (bytes), inputs / outputs / reference
    (value trees with NumPy leaves; reference may be None), meta (dict)."""
    arrays = {}
    meta = dict(meta)
    meta.update({"format": FORMAT, "version": VERSION, "inputs": _encode(inputs, arrays, "in"),
                 "outputs": _encode(outputs, arrays, "out"),
                 "reference": None if reference is None else _encode(reference, arrays, "ref")})
    arrays["archive"] = np.frombuffer(bytes(archive), dtype=np.uint8)
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    with open(path, "wb") as f:
        f.write(buf.getvalue())
    return path


class Golden:
    """A golden file read back: archive (bytes), inputs, outputs, reference
    (value trees; reference None when not recorded), meta (dict)."""

    def __init__(self, path):
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        try:
            meta = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
        except KeyError:
            raise ValueError("%s is not a pyts golden file (no meta entry)" % path) from None
        if meta.get("format") != FORMAT:
            raise ValueError("%s is not a pyts golden file" % path)
        if meta.get("version", 0) > VERSION:
            raise ValueError("%s is a pyts golden file of version %s; this pyts reads %d" % (
                path, meta.get("version"), VERSION))
        self.path = path
        self.archive = arrays.pop("archive").tobytes()
        self.meta = meta
        self.inputs = _decode(meta["inputs"], arrays)
        self.outputs = _decode(meta["outputs"], arrays)
        self.reference = None if meta.get("reference") is None else _decode(meta["reference"], arrays)

