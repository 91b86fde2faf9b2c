import pytest

from symspec.claims import Param, bonferroni_z, parse_pair, parse_size
from symspec.errors import SymspecError
from symspec.theorems import all_claims, lookup


def test_sizes():
    assert parse_size("size", "12x10") == (12, 10)
    assert parse_size("size", "8") == (8, 8)
    assert parse_size("size", " 3 X 5 ") == (3, 5)
    for bad in ("12x", "x3", "0x4", "-2x3", "3.5x2", "abc", ""):
        with pytest.raises(SymspecError, match="--size"):
            parse_size("size", bad)


def test_pairs_and_numbers():
    assert parse_pair("freq", "3,4") == (3, 4)
    assert parse_pair("freq", "(0, 2)") == (0, 2)
    with pytest.raises(SymspecError, match="--freq"):
        parse_pair("freq", "3")
    p = Param("kernel", "int", 3, "", minimum=1)
    assert p.parse("5") == 5 and p.parse(None) == 3
    with pytest.raises(SymspecError, match="--kernel.*below"):
        p.parse("0")
    with pytest.raises(SymspecError, match="integer"):
        p.parse("2.5")
    f = Param("mu", "floats", (0.1,), "")
    assert f.parse("0.1,0.2,-3") == (0.1, 0.2, -3.0)
    with pytest.raises(SymspecError):
        f.parse("0.1,,2")
    with pytest.raises(SymspecError, match="finite"):
        Param("a", "float", 0.0, "").parse("nan")


def test_bonferroni_threshold_grows_with_tests():
    assert 4.4 < bonferroni_z(1) < 4.5  # two-sided 1e-5
    assert bonferroni_z(1000) > bonferroni_z(10) > bonferroni_z(1)


def test_registry_ids_and_aliases_are_unique():
    names = []
    for claim in all_claims():
        names += [claim.id, *claim.aliases]
    assert len(names) == len(set(names))
    assert lookup("thm3.2").id == "theorem1"
    assert lookup("Cor3.3").id == "cascade"
    assert lookup("eq17").id == "valid-conv"
    with pytest.raises(SymspecError, match="unknown claim 'theorem9'"):
        lookup("theorem9")
