import pytest

from symspec.claims import Param, bonferroni_z, parse_pair, parse_size
from symspec.errors import SymspecError
from symspec.papers.tang2023 import all_claims
from symspec.registry import lookup


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


# ------------------------------------------------------------------- hostile values: one-line errors


def test_integers_are_bounded_before_conversion():
    from symspec.params import MAX_DIGITS, parse_point

    for bad in ("9" * (MAX_DIGITS + 1), "1" * 5000):  # Python refuses to convert > 4300 digits: never reached
        with pytest.raises(SymspecError, match="--kernel: .* has more than"):
            Param("kernel", "int", 3, "").parse(bad)
        with pytest.raises(SymspecError, match="--size"):
            parse_size("size", f"{bad}x3")
        with pytest.raises(SymspecError, match="--freq"):
            parse_pair("freq", f"1,{bad}")
        with pytest.raises(SymspecError, match="--at"):
            parse_point("at", f"u={bad}")
    assert Param("kernel", "int", 3, "").parse("0" * 100 + "7") == 7  # leading zeros are not digits of size
    with pytest.raises(SymspecError, match="finite"):
        Param("a", "float", 0.0, "").parse(10**400)


def test_seeds_cover_the_generators_range_and_name_the_exact_maximum():
    from symspec.params import MAX_SEED, parse_seed

    assert parse_seed("seed", str(MAX_SEED)) == MAX_SEED and parse_seed("seed", 0) == 0
    with pytest.raises(SymspecError, match=f"above the maximum {MAX_SEED}$"):
        parse_seed("seed", str(2**64))
    with pytest.raises(SymspecError, match="below the minimum 0"):
        parse_seed("seed", "-1")


def test_thresholds_must_be_finite():
    from symspec.params import check_thresholds, parse_threshold

    assert parse_threshold("t", "30dB", "dB") == 30.0 and parse_threshold("t", " -2.5 db ", "dB") == -2.5
    assert check_thresholds("fail-on", "attenuation>30dB,replicas") == "attenuation>30dB,replicas"
    for bad in ("attenuation>nandB", "attenuation>inf", "replicas,attenuation>-infdB", "attenuation>1e999dB"):
        with pytest.raises(SymspecError, match="--fail-on attenuation: expected a finite number"):
            check_thresholds("fail-on", bad)


def test_output_paths(tmp_path):
    from symspec.params import parse_output_dir, parse_output_file

    assert parse_output_file("plot", str(tmp_path / "a.png")) == str(tmp_path / "a.png")
    assert parse_output_dir("plot", str(tmp_path / "new" / "deeper")) == str(tmp_path / "new" / "deeper")
    (tmp_path / "file").write_text("x")
    for bad, fragment in [
        (tmp_path / "missing" / "a.png", "does not exist"),
        (tmp_path / "a.txt", "must end in"),
        (tmp_path / "file" / "a.png", "is not a directory"),
        ("", "empty path"),
        ("a\x00.png", "NUL"),
    ]:
        with pytest.raises(SymspecError, match=fragment):
            parse_output_file("plot", str(bad))
    with pytest.raises(SymspecError, match="is not a directory"):
        parse_output_dir("plot", str(tmp_path / "file" / "sub"))


def test_error_messages_become_one_printable_line():
    from symspec.errors import one_line

    assert one_line("a\nb\r\n  c\u2028d") == "a b c d"
    assert one_line("bell\x07 and \x1b[2J") == "bell\\x07 and \\x1b[2J"
    assert one_line("\udce9") == "\\udce9"
    assert len(one_line("x" * 10_000)) == 500


def test_spec_readers_refuse_what_could_hang_or_explode(tmp_path):
    from symspec.audit.load import (
        MAX_DEPTH,
        check_structure,
        parse_args_json,
        parse_json,
        parse_yaml,
        read_text,
    )

    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf{}")
    assert read_text(str(tmp_path / "bom.json")) == "{}"
    (tmp_path / "latin.yaml").write_bytes("é".encode("latin-1"))
    with pytest.raises(SymspecError, match=r"not UTF-8 text \(byte 0xe9 at offset 0\)"):
        read_text(str(tmp_path / "latin.yaml"))
    assert parse_yaml("a: &x 1\nb: 2\n", "s.yaml") == {"a": 1, "b": 2}  # an anchor alone is harmless
    with pytest.raises(SymspecError, match=r"YAML aliases \(\*x\) are not accepted .* line 2"):
        parse_yaml("a: &x [1]\nb: *x\n", "s.yaml")
    with pytest.raises(SymspecError, match="levels deep"):
        parse_yaml("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "s.yaml")
    with pytest.raises(SymspecError, match="malformed YAML"):
        parse_yaml("!!python/name:os.system x", "s.yaml")
    check_structure([[[]]], "ok")
    with pytest.raises(SymspecError, match="levels deep"):
        parse_json("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "s.json")
    with pytest.raises(SymspecError, match="levels deep"):
        parse_json("[" * 50_000 + "]" * 50_000, "s.json")  # beyond Python's recursion limit too
    with pytest.raises(SymspecError, match="JSON constant Infinity"):
        parse_json('{"x": Infinity}', "s.json")
    assert parse_args_json('{"ch": 2}') == {"ch": 2} and parse_args_json(None) == {}
    with pytest.raises(SymspecError, match="not a keyword argument name"):
        parse_args_json('{"a-b": 1}')
    with pytest.raises(SymspecError, match="--args: malformed JSON"):
        parse_args_json("{bad")
