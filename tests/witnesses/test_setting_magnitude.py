"""Witness: the setting of Thm 4.5 (ICML pp. 6-7), from first principles.

Printed: with A = α e^{iφ}, α > 0 and φ < π/2, the target H*_{u1v1} = (1 − A) G_{u1v1} has a smaller magnitude
than G_{u1v1} and H*_{u2v2} = (1 + conj(A)) G_{u2v2} a larger one.  |1 − A|² = 1 − 2α cos φ + α², which is < 1
only when α < 2 cos φ.  Witness: α = 3, φ = 0 gives |1 − A| = 2 (the magnitude doubles instead of shrinking);
φ = −π, α = 1 gives |1 + conj(A)| = 0 (the second magnitude vanishes instead of growing).
"""

import cmath
import math


def test_first_magnitude_grows_for_a_large_alpha():
    A = 3 * cmath.exp(1j * 0.0)
    assert abs(abs(1 - A) - 2.0) < 1e-15


def test_second_magnitude_vanishes_for_phi_minus_pi():
    A = 1 * cmath.exp(-1j * math.pi)
    assert abs(1 + A.conjugate()) < 1e-15


def test_small_alpha_behaves_as_stated():
    A = 0.5 * cmath.exp(1j * math.pi / 8)
    assert abs(1 - A) < 1 < abs(1 + A.conjugate())
