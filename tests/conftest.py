"""Shared test configuration: makes tests/testutil.py importable everywhere."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from testutil import DATA  # noqa: E402


@pytest.fixture
def data_dir():
    return DATA
