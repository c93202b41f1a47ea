"""Parity tests need real PyTorch; skip the folder cleanly where it is absent.
The hooks below record which ops each op test calls (ops/op_calls.py)."""
import os
import sys
import warnings

import pytest

torch = pytest.importorskip("torch")

_OPS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ops")
if _OPS not in sys.path:
    sys.path.insert(0, _OPS)
import op_calls  # noqa: E402  - installs the call_op recorder before any test runs


def pytest_collection_modifyitems(session, config, items):
    op_calls.coverage_last(items)


def pytest_deselected(items):
    op_calls.deselected(items)


def pytest_runtest_setup(item):
    op_calls.setup(item)


def pytest_runtest_teardown(item):
    op_calls.teardown(item)


def pytest_sessionfinish(session):
    op_calls.sessionfinish(session)


def jit_save(module, path, **kwargs):
    with warnings.catch_warnings():
        torch.jit.save(module, str(path), **kwargs)
    return str(path)
