"""pyts.no_grad / set_grad_enabled: the grad mode scripts read with
torch.is_grad_enabled() (no torch needed: the op is called directly)."""
import threading

import pyts
from pyts import _C


def script_sees():
    return _C.call_op("aten::is_grad_enabled")


def test_default_is_enabled():
    assert pyts.is_grad_enabled() is True
    assert script_sees() is True


def test_no_grad_restores():
    with pyts.no_grad():
        assert pyts.is_grad_enabled() is False
        assert script_sees() is False
        with pyts.no_grad():
            assert script_sees() is False
        assert script_sees() is False
    assert script_sees() is True


def test_no_grad_restores_on_error():
    try:
        with pyts.no_grad():
            raise KeyError("x")
    except KeyError:
        pass
    assert pyts.is_grad_enabled() is True


def test_set_grad_enabled_is_per_thread():
    pyts.set_grad_enabled(False)
    try:
        seen = []
        t = threading.Thread(target=lambda: seen.append(pyts.is_grad_enabled()))
        t.start()
        t.join()
        assert seen == [True]
        assert pyts.is_grad_enabled() is False
    finally:
        pyts.set_grad_enabled(True)
