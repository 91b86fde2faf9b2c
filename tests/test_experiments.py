"""symspec experiment: every experiment runs at a tiny size; trend directions asserted where the theory is exact."""

import pytest

from symspec.experiments import all_experiments, lookup

TINY = {"size": 16, "channels": 4, "depth": 6, "epochs": 3, "steps": 15, "seed": 0, "images": None}


@pytest.mark.parametrize("name", sorted(all_experiments()))
def test_experiment_runs_and_is_well_formed(name, tmp_path):
    result = lookup(name).run(dict(TINY))
    assert result.rows and result.figure
    for row in result.rows:
        assert row.quantity and row.value is not None
        assert row.holds in (True, False, None)
    written = result.plot(str(tmp_path))
    assert written and all((tmp_path / p.split("/")[-1]).read_bytes()[:4] == b"\x89PNG" for p in written)


def test_cascade_fit_is_exact_without_relu_and_with_circular_padding():
    rows = {r.quantity: r for r in lookup("cascade-fit").run(dict(TINY)).rows}
    assert rows["cosine similarity, circular padding, no ReLU"].value > 0.9999


def test_zero_insertion_repeats_dc_on_the_grid():
    rows = lookup("upsampling").run(dict(TINY)).rows
    stage_rows = [r for r in rows if r.quantity.startswith("stage")]
    assert stage_rows and all(r.holds for r in stage_rows)


def test_cli_experiment_json_list_and_errors(run_cli, tmp_path):
    r = run_cli("experiment", "list")
    assert r.code == 0 and "learning-order" in r.out and "Fig. 4c" in r.out
    r = run_cli("experiment", "mean", "--size", "16", "--channels", "4", "--json", "--plot", str(tmp_path))
    assert r.code == 0
    doc = r.json()
    assert doc["experiment"] == "mean" and doc["seed"] == 0 and doc["figures"]
    assert {"quantity", "value", "expectation", "verdict"} <= set(doc["rows"][0])
    r = run_cli("experiment", "warp")
    assert r.code == 2 and "unknown experiment 'warp'" in r.err
    r = run_cli("experiment", "mean", "--size", "4")
    assert r.code == 2 and "--size" in r.err
    r = run_cli("experiment", "mean", "--images", str(tmp_path / "nothing"))
    assert r.code == 2 and "--images" in r.err


def test_images_from_a_folder(run_cli, tmp_path):
    pil = pytest.importorskip("PIL.Image")
    import numpy as np

    folder = tmp_path / "imgs"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(3):
        pil.fromarray(rng.integers(0, 255, (20, 24, 3), dtype=np.uint8)).save(folder / f"{i}.png")
    r = run_cli("experiment", "padding", "--size", "16", "--channels", "4", "--images", str(folder), "--json")
    assert r.code == 0, r.err
    assert r.json()["images"] == str(folder)
