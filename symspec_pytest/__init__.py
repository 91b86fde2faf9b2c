"""pytest plugin (registered by the ``pytest11`` entry point; a package of its own so that
pytest loading it does not import symspec): the fixture ``symspec_spectrum`` is
``symspec.testing.assert_spectrum``, for a decoder's own tests::

    def test_decoder(symspec_spectrum):
        symspec_spectrum(Decoder(), (64, 8, 8), max_checkerboard_db=-20, max_replica_db=-10)
"""

from __future__ import annotations

import pytest


@pytest.fixture
def symspec_spectrum():
    """``assert_spectrum(model, input_shape, max_checkerboard_db=None, max_replica_db=None, ...)``."""
    from symspec.testing import assert_spectrum

    return assert_spectrum
