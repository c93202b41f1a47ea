"""Parity checks of torch.export programs (.pt2), for pyts.testing.check_parity
with export="export" or a .pt2 file: torch.export.export + torch.export.save,
then torch.export.load(path).module() and pyts.load(path) on the same inputs,
every output leaf compared like the TorchScript modes (docs/pt2.md)."""
import os
import shutil
import tempfile
import time
import warnings
import zipfile

from ._compare import compare_trees, to_numpy_tree


def is_pt2(path):
    """Is the file at `path` a torch.export archive (by content: an archive_format record, or the
    serialized_exported_program.json at the root of the zips torch 2.6/2.7 wrote)?"""
    try:
        with zipfile.ZipFile(path) as z:
            return any(n == "archive_format" or n.endswith("/archive_format") or n == "serialized_exported_program.json"
                       for n in z.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def export_pt2(model, args, path):
    """torch.export.export(model, args) saved at `path` (an .pt2 archive)."""
    import torch

    with torch.no_grad():
        ep = torch.export.export(model, tuple(args))
    torch.export.save(ep, path)
    return path


def check_export_parity(res, model, args, to_torch, to_numpy, rtol, atol, equal_nan, workdir):
    """Fill ParityResult `res` for a torch.export program (model: an nn.Module,
    or the path of a .pt2 file); returns res."""
    import torch

    tmp = None
    if isinstance(model, (str, os.PathLike)):
        path = os.fspath(model)
    else:
        res.export = "export"
        if workdir is None:
            tmp = workdir = tempfile.mkdtemp(prefix="pyts-parity-")
        path = export_pt2(model, to_torch(args), os.path.join(workdir, "model.pt2"))
    try:
        res.path = path
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loaded = torch.export.load(path).module()
        t0 = time.perf_counter()
        with torch.no_grad():
            out_t = loaded(*to_torch(args))
        res.seconds["torch"] = time.perf_counter() - t0
        res.torch_output = out_t
        expected = to_numpy_tree(out_t)
        from .testing import _pyts_load_and_run
        out_p = _pyts_load_and_run(res, path, lambda pm: pm(*to_numpy(args)), None)
        if res.stage is None:
            res.leaves = compare_trees(expected, out_p, "output", rtol, atol, equal_nan)
        res.ok = res.stage is None and all(l.passed for l in res.leaves)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
            if res.path and res.path.startswith(tmp):
                res.path = "<temporary file> " + os.path.basename(res.path)
    return res
