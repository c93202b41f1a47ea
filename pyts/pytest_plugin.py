"""pytest plugin of pyts (registered through the pytest11 entry point).

Registers the `parity` marker; the parity fixture and report grow in
pyts.testing."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "parity(rtol=None, atol=None): tolerances for pyts parity checks in this test"
    )
