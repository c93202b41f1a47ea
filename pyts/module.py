"""pyts.Module: the Python face of a loaded TorchScript module.

A Module wraps one TorchScript object (the root module or a submodule) and
the archive handle that keeps it alive.  Tensors come back as NumPy arrays;
those backed by the archive's bytes are zero-copy and read-only.
"""
import collections
import io
import os

from . import _C

__all__ = ["ExportedModule", "Module", "UnsupportedOp", "load"]


class UnsupportedOp(collections.namedtuple("UnsupportedOp", ["op", "location"])):
    """One call site naming an operator pyts lacks: op ("aten::foo") and
    location ("code/__torch__/x.py:12").  A pair, so `for op, where in
    m.unsupported_ops()` works; .file and .line split the location."""

    __slots__ = ()

    @property
    def file(self):
        return self.location.rsplit(":", 1)[0]

    @property
    def line(self):
        return int(self.location.rsplit(":", 1)[1])

    def __str__(self):
        return "%s at %s" % (self.op, self.location)


UnsupportedOp.__module__ = "pyts"


class ModelNotFoundError(_C.LoadError, FileNotFoundError):
    """pyts.load(path) of a path that does not exist: a pyts.LoadError that is
    also the FileNotFoundError (errno, strerror, filename) open() would raise."""

    def __str__(self):
        return FileNotFoundError.__str__(self)


ModelNotFoundError.__module__ = "pyts"


def load(f, name=None, optimize=True):
    """Load a TorchScript archive written by torch.jit.save, or a torch.export
    archive (.pt2) written by torch.export.save (told apart by content).

    f: a path (str or os.PathLike), a bytes-like object, or a binary file
    object.  Returns a pyts.Module (TorchScript) or a pyts.ExportedModule
    (.pt2); raises pyts.LoadError naming the archive entry and byte offset
    when the file cannot be read.

    optimize: run the planning pass over a TorchScript archive (eval
    BatchNorm folded into the convolution before it, a following ReLU / ReLU6
    and a residual add applied in the convolution's epilogue, wherever the
    code provably never changes the attributes involved; Module.plan_stats()
    says what it did).  With optimize=False every op runs as written, for
    testing and bisecting.
    """
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        try:
            handle = _C.load(path)
        except _C.LoadError:
            try:
                os.stat(path)
            except FileNotFoundError as e:  # also a FileNotFoundError, with the system's text
                raise ModelNotFoundError(e.errno, e.strerror, path) from None
            raise
    elif isinstance(f, (bytes, bytearray, memoryview)):
        handle = _C.load(bytes(f) if isinstance(f, memoryview) else f, name)
    elif hasattr(f, "read"):
        data = f.read()
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError("pyts.load: the file object must be opened in binary mode")
        handle = _C.load(data, name or getattr(f, "name", None) if isinstance(getattr(f, "name", None), str) else name)
    else:
        raise TypeError("pyts.load: expected a path, bytes or a binary file object, got %s" % type(f).__name__)
    if handle.program_info() is not None:
        return ExportedModule(handle)
    if optimize:
        handle.plan()
    return Module(handle.root(), handle)


def _wrap(value, handle):
    if isinstance(value, _C.Object):
        return Module(value, handle)
    if isinstance(value, list):
        return [_wrap(v, handle) for v in value]
    if isinstance(value, tuple):
        return tuple(_wrap(v, handle) for v in value)
    if isinstance(value, dict):
        return {k: _wrap(v, handle) for k, v in value.items()}
    return value


class Module:
    """A TorchScript object loaded by pyts (a module or a class instance)."""

    __slots__ = ("_obj", "_handle")

    def __init__(self, obj, handle):
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_handle", handle)

    # ---- identity and source ---------------------------------------------------
    @property
    def qualified_name(self):
        """The class's qualified name, e.g. __torch__.torchvision.models.resnet.ResNet."""
        return self._obj.qualified_name

    @property
    def original_name(self):
        return self.qualified_name.rsplit(".", 1)[-1]

    @property
    def kind(self):
        return self._obj.kind

    @property
    def code(self):
        """The TorchScript source of this object's class, as stored in code/."""
        return self._obj.code()

    @property
    def extra_files(self):
        """{name: bytes} of the archive's extra files (torch.jit.save(_extra_files=...))."""
        return self._handle.extra_files()

    def plan_stats(self):
        """What the load-time planning pass did, for the whole archive:
        {"planned": bool (False after pyts.load(..., optimize=False)),
        "batchnorm_folded": BatchNorm modules folded into the convolution before
        them, "activation_fused": of those, followed by a ReLU / ReLU6 now applied
        in the convolution's epilogue, "residual_fused": of those, followed by a
        residual add (resnet blocks) applied there too, "batchnorm_kept": conv -> BatchNorm calls
        left as written (an attribute feeding them is assigned or changed by
        some method, or the modules are not plain float32 Conv2d / BatchNorm2d)}."""
        return self._handle.plan_stats()

    def unsupported_ops(self):
        """The operators the archive's code calls that torch has and pyts lacks,
        as a list of UnsupportedOp (op, "code/...py:line") pairs, one per distinct
        op and calling line, in compile order ([] when pyts has them all).

        The model loads anyway, as in torch: only a call that reaches such an op
        fails, raising pyts.UnsupportedOperatorError naming the op and its line;
        paths that do not reach one run normally.  (An op torch does not know
        either still fails pyts.load, as it fails torch.jit.load.)  The list
        covers the whole archive, whichever submodule it is asked from."""
        return [UnsupportedOp(op, "%s:%d" % (f, line)) for op, f, line in self._handle.unsupported_ops()]

    @property
    def file_version(self):
        return self._handle.version

    @property
    def archive_prefix(self):
        return self._handle.prefix

    # ---- attributes ------------------------------------------------------------------
    def _attr_info(self):
        return self._obj.attr_info()

    def attribute_names(self):
        return [a[0] for a in self._attr_info()]

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        obj = self._obj
        if obj.has_attr(name):
            return _wrap(obj.getattr(name), self._handle)
        if name in obj.method_names():
            return _BoundMethod(self, name)
        raise AttributeError("'%s' has no attribute '%s'" % (self.qualified_name, name))

    def __setattr__(self, name, value):
        raise AttributeError("pyts.Module attributes are read-only from Python")

    def __dir__(self):
        return sorted(set(self.attribute_names()) | set(self._obj.const_names()) | set(self._obj.method_names()))

    def __getitem__(self, key):
        if isinstance(key, int):
            n = len(self)
            if key < 0:
                key += n
            if not 0 <= key < n:
                raise IndexError("index %d out of range for %s of length %d" % (key, self.original_name, n))
            key = str(key)
        if not self._obj.has_attr(str(key)):
            raise KeyError(key)
        return _wrap(self._obj.getattr(str(key)), self._handle)

    def __len__(self):
        return sum(1 for name, _, _, _ in self._attr_info() if name.isdigit())

    def __eq__(self, other):
        return isinstance(other, Module) and self._obj == other._obj

    def __hash__(self):
        return hash(self._obj)

    def __repr__(self):
        return "<pyts.Module %s>" % self.qualified_name

    # ---- nn.Module-like walking ---------------------------------------------------------
    def named_children(self):
        """(name, Module) for each direct submodule, in attribute order."""
        for name, _ty, _p, _b in self._attr_info():
            v = self._obj.getattr(name)
            if isinstance(v, _C.Object) and v.kind == "module":
                yield name, Module(v, self._handle)

    def children(self):
        for _, m in self.named_children():
            yield m

    def named_modules(self, prefix=""):
        """(dotted name, Module) for this module and every submodule, depth first."""
        seen = set()

        def walk(mod, pre):
            if mod._obj.identity() in seen:
                return
            seen.add(mod._obj.identity())
            yield pre, mod
            for name, child in mod.named_children():
                yield from walk(child, pre + "." + name if pre else name)

        yield from walk(self, prefix)

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def _named_tensors(self, want_param, recurse=True, prefix=""):
        # like torch: each tensor once (tied weights under their first name)
        mods = self.named_modules(prefix) if recurse else [(prefix, self)]
        seen = set()
        for mname, mod in mods:
            for name, _ty, is_param, is_buffer in mod._attr_info():
                if (is_param if want_param else is_buffer):
                    ident = mod._obj.slot_identity(name)
                    if ident is None or ident in seen:
                        continue
                    seen.add(ident)
                    yield (mname + "." + name if mname else name), mod._obj.getattr(name)

    def named_parameters(self, prefix="", recurse=True):
        """(dotted name, ndarray) for each parameter, as torch's named_parameters()."""
        return self._named_tensors(True, recurse, prefix)

    def named_buffers(self, prefix="", recurse=True):
        return self._named_tensors(False, recurse, prefix)

    def parameters(self, recurse=True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def buffers(self, recurse=True):
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def state_dict(self):
        """{dotted name: ndarray} of parameters then buffers of each module, as torch orders them."""
        out = {}
        for mname, mod in self.named_modules():
            info = mod._attr_info()
            for want_param in (True, False):
                for name, _ty, is_param, is_buffer in info:
                    if (is_param if want_param else (is_buffer and not is_param)):
                        v = mod._obj.getattr(name)
                        if v is not None:
                            out[mname + "." + name if mname else name] = v
        return out

    # ---- running ---------------------------------------------------------------------------
    def method_names(self):
        return self._obj.method_names()

    def run_method(self, name, *args, **kwargs):
        return _wrap(self._obj.run_method(name, *args, **kwargs), self._handle)

    def forward(self, *args, **kwargs):
        return self.run_method("forward", *args, **kwargs)

    def __call__(self, *args, **kwargs):
        return self.run_method("__call__", *args, **kwargs)


class _BoundMethod:
    __slots__ = ("_mod", "_name")

    def __init__(self, mod, name):
        self._mod = mod
        self._name = name

    def __call__(self, *args, **kwargs):
        return self._mod.run_method(self._name, *args, **kwargs)

    def __repr__(self):
        return "<pyts method %s.%s>" % (self._mod.qualified_name, self._name)


class ExportedModule:
    """A torch.export program (.pt2) loaded by pyts: called like
    ExportedProgram.module(), with the same (args, kwargs) structure as at
    export; returns the same nested tuples/lists/dicts of arrays.  Buffers the
    program mutates keep their new values across calls, as in torch."""

    __slots__ = ("_handle",)

    def __init__(self, handle):
        object.__setattr__(self, "_handle", handle)

    @property
    def schema_version(self):
        """(major, minor) of models/model.json's serialization schema."""
        return self._handle.program_info()[:2]

    @property
    def dialect(self):
        """The IR the program was saved in: "TRAINING" (torch.export.export) or "ATEN" (run_decompositions)."""
        return self._handle.program_info()[2]

    @property
    def archive_prefix(self):
        return self._handle.prefix

    @property
    def extra_files(self):
        """{name: bytes} of the archive's extra/ records (torch.export.save(extra_files=...))."""
        return self._handle.extra_files()

    def unsupported_ops(self):
        """The operators the graph calls that pyts lacks, as UnsupportedOp (op,
        "models/model.json:<node number>"); the program loads, and only running
        such a node fails, with pyts.UnsupportedOperatorError."""
        return [UnsupportedOp(op, "%s:%d" % (f, line)) for op, f, line in self._handle.unsupported_ops()]

    def state_dict(self):
        """{FQN: ndarray} of the parameters, buffers and tensor constants the program uses."""
        return self._handle.program_state()

    def forward(self, *args, **kwargs):
        return self._handle.run_program(*args, **kwargs)

    def __call__(self, *args, **kwargs):
        return self._handle.run_program(*args, **kwargs)

    def __setattr__(self, name, value):
        raise AttributeError("pyts.ExportedModule attributes are read-only from Python")

    def __repr__(self):
        major, minor, dialect = self._handle.program_info()
        return "<pyts.ExportedModule %s (schema %d.%d, %s)>" % (self._handle.path, major, minor, dialect)
