"""Files symspec writes are replaced atomically: an interrupted write leaves the old file, never half of one."""

import pytest

from symspec.output import atomic_write


def test_interrupted_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "figure.png"
    target.write_bytes(b"old")

    def broken(tmp):
        with open(tmp, "wb") as f:
            f.write(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, broken)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["figure.png"]  # no temporary file left behind
    atomic_write(target, lambda tmp: open(tmp, "wb").write(b"new"))
    assert target.read_bytes() == b"new"
