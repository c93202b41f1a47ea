"""The debug trace (Object.run_method_traced): pyts reports every op result
and attribute store with its code/ line while a method runs; no torch needed."""
import os

import numpy as np
import pytest

import pyts

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "models", "my_module_model.pt")


def _model():
    return pyts.load(EXAMPLE)


def test_trace_reports_every_op_with_its_line_and_the_same_result():
    m = _model()
    x = np.ones((20,), dtype=np.float32)
    expected = m._obj.run_method("forward", x)
    events = []
    got = m._obj.run_method_traced("forward", lambda *ev: events.append(ev), x)
    np.testing.assert_array_equal(np.asarray(got), np.asarray(expected))
    assert events
    for op, attr, file, line, _value in events:
        assert op.startswith(("aten::", "prim::")) and "." not in op.split("::")[1]
        assert attr is None or op == "prim::SetAttr"
        assert file.startswith("code/") and file.endswith(".py") and line > 0
    # the last op's value is the method's result (the example returns one op's tensor)
    last = events[-1][4]
    if isinstance(last, np.ndarray) and last.shape == np.asarray(expected).shape:
        np.testing.assert_array_equal(last, np.asarray(expected))


def test_a_raising_callback_stops_the_run_and_the_trace_is_off_afterwards():
    m = _model()
    x = np.ones((20,), dtype=np.float32)

    class Stop(Exception):
        pass

    def cb(*ev):
        raise Stop("planted")

    with pytest.raises(Stop):
        m._obj.run_method_traced("forward", cb, x)
    # later runs are untraced and unaffected
    calls = []
    m._obj.run_method("forward", x)
    assert calls == []


def test_bad_arguments_are_clean_errors():
    m = _model()
    with pytest.raises(TypeError):
        m._obj.run_method_traced("forward")
    with pytest.raises(TypeError):
        m._obj.run_method_traced("forward", 3, np.ones((20,), dtype=np.float32))
