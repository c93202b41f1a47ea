"""Build of pyts._C: the C engine under csrc/ plus the CPython/NumPy binding.

System dependencies are OpenBLAS and jansson (found with pkg-config) and zlib; when one
is missing the build stops with one line saying what to install.
"""
import glob
import os
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))


def die(msg):
    sys.stderr.write("\npyts build: %s\n\n" % msg)
    raise SystemExit(1)


def pkg_config(name):
    if shutil.which("pkg-config") is None:
        die("pkg-config not found: install it (Debian: apt-get install pkg-config)")
    try:
        cflags = subprocess.check_output(["pkg-config", "--cflags", name], stderr=subprocess.DEVNULL).decode().split()
        libs = subprocess.check_output(["pkg-config", "--libs", name], stderr=subprocess.DEVNULL).decode().split()
    except subprocess.CalledProcessError:
        return None
    return cflags, libs


def sources():
    srcs = []
    for path in sorted(glob.glob(os.path.join("csrc", "**", "*.c"), recursive=True)):
        if path.startswith(os.path.join("csrc", "tools")):
            continue
        srcs.append(path)
    return srcs


class BuildExt(build_ext):
    def build_extensions(self):
        blas = pkg_config("openblas")
        if blas is None:
            die("OpenBLAS not found by pkg-config: install it (Debian: apt-get install libopenblas-dev pkg-config)")
        zlib = pkg_config("zlib")
        if zlib is None:
            die("zlib not found by pkg-config: install it (Debian: apt-get install zlib1g-dev)")
        jansson = pkg_config("jansson")  # the JSON of torch.export archives (.pt2), docs/pt2.md
        if jansson is None:
            die("jansson not found by pkg-config: install it (Debian: apt-get install libjansson-dev)")
        import numpy

        for ext in self.extensions:
            ext.include_dirs += ["csrc", os.path.join("csrc", "include"), numpy.get_include()]
            for f in blas[0] + zlib[0] + jansson[0]:
                if f.startswith("-I"):
                    ext.include_dirs.append(f[2:])
            ext.extra_link_args += blas[1] + zlib[1] + jansson[1] + ["-lm", "-lpthread"]
            # the vectorizer with the dynamic cost model: -O2 alone (GCC 12) vectorizes only loops it
            # can replace whole, leaving elementwise loops scalar (csrc/tensor/vmath.h)
            extra = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-O2", "-ftree-vectorize", "-fvect-cost-model=dynamic",
                     "-fvisibility=hidden"]
            if os.environ.get("PYTS_SANITIZE"):
                # gcc's maybe-uninitialized analysis changes with -O1 and the sanitizers'
                # instrumentation; keep it a warning there (the -O2 builds keep it an error)
                extra += ["-O1", "-g", "-fno-omit-frame-pointer", "-fsanitize=address,undefined,float-cast-overflow",
                          "-Wno-error=maybe-uninitialized"]
                ext.extra_link_args += ["-fsanitize=address,undefined,float-cast-overflow"]
            if os.environ.get("PYTS_DEBUG"):
                extra += ["-O0", "-g"]
            ext.extra_compile_args += extra
            ext.define_macros += [("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION"), ("_GNU_SOURCE", "1")]
        if not self.parallel:
            self.parallel = os.cpu_count() or 2
        super().build_extensions()

    def run(self):
        super().run()
        # Also place the built engine in the source tree (what `build_ext
        # --inplace` does).  Python puts the current folder first on sys.path
        # for `python -m ...` and `python -m pytest`, so at the repository
        # root the source folder pyts/ is imported instead of the installed
        # package; with its own copy of _C it is the same package and works.
        # (A source folder without _C gets a clear ImportError, pyts/__init__.py.)
        if self.inplace:
            return
        for ext in self.extensions:
            built = self.get_ext_fullpath(ext.name)
            parts = ext.name.split(".")
            dest_dir = os.path.join(HERE, *parts[:-1])
            if not os.path.isfile(os.path.join(dest_dir, "__init__.py")) or not os.access(dest_dir, os.W_OK):
                continue
            dest = os.path.join(dest_dir, os.path.basename(built))
            if os.path.abspath(dest) != os.path.abspath(built):
                self.copy_file(built, dest, level=self.verbose)


setup(
    ext_modules=[Extension("pyts._C", sources=sources())],
    cmdclass={"build_ext": BuildExt},
)
