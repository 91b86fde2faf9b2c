"""symspec experiment: every experiment runs at a tiny size on real and synthetic images; image sources give
real data, fixed by the seed; the comparison table, JSON, figures and exit codes follow the contract."""

import time

import numpy as np
import pytest

from symspec.errors import SymspecError
from symspec.experiments import lookup, run_on, select
from symspec.experiments.data import (
    SKIMAGE_PHOTOS,
    crop_plan,
    default_source,
    have_skimage,
    lfw_faces,
    parse_sources,
    skimage_crops,
)

needs_skimage = pytest.mark.skipif(
    not have_skimage(), reason="scikit-image (install.sh --test) is not installed"
)
REAL = "skimage" if have_skimage() else "synthetic"  # the default source

TINY = {"size": 16, "channels": 4, "depth": 6, "epochs": 3, "steps": 15, "seed": 0, "device": "cpu"}
TINY_ARGS = ["--size", "16", "--channels", "4", "--depth", "6", "--epochs", "3", "--steps", "15"]


def photo(name):
    import skimage.data as skdata

    image = getattr(skdata, name)()
    return np.asarray(image[0] if isinstance(image, tuple) else image, dtype=np.float64) / 255.0


# ------------------------------------------------------------------------------------------ image sources


@needs_skimage
def test_skimage_crops_are_slices_of_the_bundled_photographs():
    x = skimage_crops(6, 3, 24, seed=3).numpy()
    assert x.shape == (6, 3, 24, 24)
    for crop, (name, r, c) in zip(x, crop_plan(6, 24, seed=3)):
        assert name in SKIMAGE_PHOTOS
        src = photo(name)[r : r + 24, c : c + 24]
        expected = np.repeat(src[None], 3, 0) if src.ndim == 2 else src[:, :, :3].transpose(2, 0, 1)
        np.testing.assert_allclose(crop, expected, atol=1e-6)
    # 8-bit photographs: every value is a multiple of 1/255 (synthetic images are not)
    assert np.allclose(x * 255, np.round(x * 255), atol=1e-3)
    assert len({name for name, _, _ in crop_plan(40, 24, seed=0)}) > 3  # crops come from several photographs


@needs_skimage
def test_the_seed_fixes_the_crops():
    a, b, c = (skimage_crops(8, 3, 16, seed=s) for s in (5, 5, 6))
    assert (a == b).all() and not (a == c).all()
    assert crop_plan(8, 16, 5) == crop_plan(8, 16, 5) != crop_plan(8, 16, 6)


@needs_skimage
def test_grey_and_one_channel_crops_are_the_luminance():
    grey = skimage_crops(4, 3, 16, seed=1, grey=True).numpy()
    assert np.allclose(grey[:, 0], grey[:, 1]) and np.allclose(grey[:, 0], grey[:, 2])
    single = skimage_crops(4, 1, 16, seed=1).numpy()
    np.testing.assert_allclose(single[:, 0], grey[:, 0], atol=1e-6)


@needs_skimage
def test_lfw_faces_are_the_bundled_faces():
    import skimage.data as skdata

    faces = skdata.lfw_subset()
    x = lfw_faces(5, 1, 25, seed=2).numpy()[:, 0]
    for face in x:
        assert np.abs(faces - face).reshape(len(faces), -1).max(axis=1).min() < 1e-6
    assert lfw_faces(5, 3, 32, seed=2).shape == (5, 3, 32, 32)


@needs_skimage
def test_parse_sources_default_and_errors(tmp_path):
    assert default_source().name == "skimage"  # the default when scikit-image is installed
    assert [s.name for s in parse_sources("skimage,synthetic")] == ["skimage", "synthetic"]
    assert [s.kind for s in parse_sources(f"lfw,skimage:grey,{tmp_path}")] == ["lfw", "skimage", "folder"]
    assert parse_sources(None) == [default_source()]
    for bad in ("cifar10", "skimage,skimage", "skimage,"):
        with pytest.raises(SymspecError, match="--images"):
            parse_sources(bad)


# ------------------------------------------------------------------------------------------ experiments


@pytest.mark.parametrize("name", sorted(e.name for e in select("all")))  # studies: their own tests
def test_experiment_runs_and_is_well_formed(name, tmp_path):
    from symspec.output.experiment import caption, image_size, plot_runs

    runs = run_on([lookup(name)], dict(TINY), parse_sources(REAL))
    result = runs[0][1][0]
    assert result.rows and result.figure and result.panels and result.images.name == REAL
    for row in result.rows:
        assert row.quantity and row.value is not None
        assert row.holds in (True, False, None)
    assert result.images.describe(image_size(result, TINY), 0) in caption(result, TINY)  # names the images
    written = plot_runs(runs, TINY, str(tmp_path))
    assert [p.split("/")[-1] for p in written] == [f"{name}-{REAL}.png"]
    assert (tmp_path / f"{name}-{REAL}.png").read_bytes()[:4] == b"\x89PNG"


def test_cascade_fit_is_exact_without_relu_and_with_circular_padding():
    for source in {REAL, "synthetic"}:
        rows = {r.quantity: r for r in lookup("cascade-fit").run({**TINY, "images": source}).rows}
        assert rows["cosine similarity, circular padding, no ReLU"].value > 0.9999


def test_zero_insertion_repeats_dc_on_the_grid():
    rows = lookup("upsampling").run({**TINY, "images": REAL}).rows
    stage_rows = [r for r in rows if r.quantity.startswith("stage")]
    assert stage_rows and all(r.holds for r in stage_rows)


@needs_skimage
def test_shift_puts_real_crops_under_the_salient_frequencies():
    ((_, (real, synthetic)),) = run_on(select("shift"), dict(TINY), parse_sources("skimage,synthetic"))
    assert real.rows[0].value == "image crops" and synthetic.rows[0].value == "noise (paper)"
    assert real.rows[1].value != synthetic.rows[1].value


# ------------------------------------------------------------------------------------------ command line


@needs_skimage
def test_cascade_fit_on_skimage_runs_in_seconds(run_cli):
    start = time.process_time()  # CPU seconds: a busy neighbour does not inflate them
    r = run_cli("experiment", "cascade-fit", "--images", "skimage", "--json")
    assert time.process_time() - start < 30
    doc = r.json()
    assert r.code == (0 if doc["verdict"] == "pass" else 1)
    cosines = [row for row in doc["results"] if row["quantity"].startswith("cosine similarity")]
    assert len(cosines) == 3 and {row["images"] for row in cosines} == {"skimage"}
    assert "scikit-image" in doc["images"][0]["description"]


@needs_skimage
def test_all_on_skimage_and_synthetic_prints_both_columns(run_cli):
    r = run_cli("experiment", "all", "--images", "skimage,synthetic", *TINY_ARGS)
    assert r.code in (0, 1), r.err
    lines = r.out.splitlines()
    top = next(i for i, line in enumerate(lines) if "measured" in line)
    header = " ".join(lines[top : top + 2])
    assert "skimage" in header and "synthetic" in header  # one table with a column per source
    assert r.out.count("measured") == 1
    for name in (e.name for e in select("all")):
        assert name in r.out
    assert "images skimage: real photographs" in r.out and "images synthetic: synthetic power-law" in r.out
    assert max(len(line) for line in r.out.splitlines()) <= 80


@needs_skimage
def test_all_json_has_every_experiment_on_every_source(run_cli):
    r = run_cli("experiment", "all", "--images", "skimage,synthetic", *TINY_ARGS, "--json")
    doc = r.json()
    assert doc["schema"] == "symspec/1" and doc["command"] == "experiment"
    runs = {(run["experiment"], run["images"]) for run in doc["runs"]}
    assert runs == {(e.name, source) for e in select("all") for source in ("skimage", "synthetic")}
    assert r.code == (0 if all(run["verdict"] == "pass" for run in doc["runs"]) else 1)
    assert doc["verdict"] == ("pass" if r.code == 0 else "fail")


def test_exit_codes_follow_the_contract(run_cli, tmp_path):
    r = run_cli("experiment", "upsampling", "--size", "16", "--images", "synthetic")
    assert r.code == 0 and "4 of 4 stated expectations hold" in r.out  # every expectation holds
    r = run_cli("experiment", "padding", "--size", "16", "--channels", "4", "--images", REAL)
    assert r.code == 1 and "does not hold" in r.out  # zero padding does not give the largest p_low here
    r = run_cli("experiment", "warp")
    assert r.code == 2 and "unknown experiment 'warp'" in r.err
    r = run_cli("experiment", "mean", "--size", "4")
    assert r.code == 2 and "--size" in r.err
    r = run_cli("experiment", "mean", "--images", str(tmp_path / "nothing"))
    assert r.code == 2 and "--images" in r.err and len(r.err.strip().splitlines()) == 1


def test_cli_experiment_list_and_plot(run_cli, tmp_path):
    r = run_cli("experiment", "list")
    assert r.code == 0 and "learning-order" in r.out and "Fig. 4c" in r.out
    r = run_cli("experiment", "mean", "--size", "16", "--channels", "4", "--json", "--plot", str(tmp_path))
    doc = r.json()
    assert doc["params"]["seed"] == 0 and doc["params"]["images"] == [REAL]  # the default source
    assert doc["figures"] == [str(tmp_path / f"mean-{REAL}.png")]
    assert {"quantity", "value", "expectation", "verdict", "images"} <= set(doc["results"][0])


def test_images_from_a_folder(run_cli, tmp_path):
    pil = pytest.importorskip("PIL.Image")

    folder = tmp_path / "imgs"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(3):
        pil.fromarray(rng.integers(0, 255, (20, 24, 3), dtype=np.uint8)).save(folder / f"{i}.png")
    r = run_cli("experiment", "padding", "--size", "16", "--channels", "4", "--images", str(folder), "--json")
    assert r.code in (0, 1), r.err
    doc = r.json()
    assert doc["params"]["images"] == [str(folder)] and {row["images"] for row in doc["results"]} == {
        str(folder)
    }
