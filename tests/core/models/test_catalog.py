"""The bundled catalog follows its schema, has what the fit indicator and downloader need, and its
starter entry is the app's starter model; the schema check names each problem."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.models.catalog import (
    CatalogError,
    CatalogFile,
    catalog_path,
    load_catalog,
    parse_catalog,
    validate_catalog,
)
from desktop_app.core.models.gguf_info import inspect_gguf
from desktop_app.core.models.quant import QUANT_ORDER
from desktop_app.core.models.starter import STARTER_FILE, STARTER_SHA256

CHINESE_FAMILIES = {"Qwen2.5", "Qwen3", "GLM", "Yi", "InternLM", "DeepSeek", "MiniCPM"}


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    data = json.loads(catalog_path().read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_bundled_catalog_is_valid(raw: dict[str, Any]) -> None:
    assert validate_catalog(raw) == []
    cat = load_catalog()
    assert len(cat) == len(raw["models"]) >= 20
    assert load_catalog() is cat  # read once per process


def test_every_entry_has_what_the_app_needs() -> None:
    cat = load_catalog()
    ids = [e.id for e in cat]
    names = [e.name.lower() for e in cat]
    assert len(set(ids)) == len(ids) and len(set(names)) == len(names)
    for e in cat:
        assert e.repo.count("/") == 1 and e.hub_url.endswith(e.repo)
        assert e.params > 0 and e.context_length >= 2048 and e.license and e.languages
        a = e.architecture
        assert a.n_layers > 0 and a.n_kv_heads > 0 and a.head_dim > 0 and a.name
        assert e.description["en"].strip() and e.description["zh"].strip()
        assert e.files, e.id
        for f in e.files:
            assert f.quant in QUANT_ORDER and f.file.endswith(".gguf") and f.size > 0
            assert f.file_names == [f.file]
        # the file sizes fit the parameter count (4-17 bits per weight)
        for f in e.files:
            bits = f.size * 8 / e.params
            assert 3.5 < bits < 17.5, (e.id, f.quant, bits)
        assert e.quants == sorted(e.quants, key=QUANT_ORDER.index), "best quality first"


def test_catalog_spans_tiny_to_large_with_strong_chinese_models() -> None:
    cat = load_catalog()
    params = sorted(e.params for e in cat)
    assert params[0] < 200_000_000 and params[-1] >= 8_000_000_000
    chinese = {e.family for e in cat if e.chinese}
    assert chinese >= CHINESE_FAMILIES
    assert {e.id for e in cat.search("chinese")} >= {e.id for e in cat if "chinese" in e.tags}
    assert any(e.file_for("Q4_K_M") for e in cat if e.params >= 7_000_000_000)


def test_starter_entry_is_the_apps_starter_model(starter_model: Path) -> None:
    cat = load_catalog()
    entry = cat.starter()
    f = cat.starter_file()
    assert entry.id == "smollm2-135m-instruct" and entry.verified
    assert f.file == STARTER_FILE and f.sha256 == STARTER_SHA256
    assert f.quant == "Q4_1" and not f.size_approx
    assert f.size == starter_model.stat().st_size == 98_362_432
    assert entry.file_for("q4_1") is f


def test_catalog_architecture_matches_the_real_header(starter_model: Path) -> None:
    """The numbers typed into the catalog agree with what the file itself says."""
    info = inspect_gguf(starter_model)
    entry = load_catalog().starter()
    a = entry.architecture
    assert a.name == info.architecture
    assert a.n_layers == info.n_layers
    assert a.n_kv_heads == info.n_head_kv
    assert a.head_dim == info.key_length == info.value_length
    assert a.vocab_size == info.vocab_size
    assert entry.params == info.n_params
    assert entry.context_length == info.context_length
    assert entry.license == info.license


def test_descriptions_and_lookup() -> None:
    cat = load_catalog()
    e = cat.get("Qwen2.5-7B-Instruct")
    assert e is not None and e.family == "Qwen2.5" and e.chinese
    assert e.description_for("zh_CN") == e.description["zh"]
    assert e.description_for("de") == e.description["en"]
    q = e.file_for("q4_k_m")
    assert q is not None and q.file == "Qwen2.5-7B-Instruct-Q4_K_M.gguf" and q.size_approx
    assert e.file_for("IQ1_S") is None
    assert cat.get("no-such-model") is None
    assert cat.search("") == list(cat)


def test_shard_file_names() -> None:
    f = CatalogFile("Q8_0", "Q8_0/big-Q8_0-00001-of-00003.gguf", 3, True, shards=3)
    assert f.file_names == [
        "Q8_0/big-Q8_0-00001-of-00003.gguf",
        "Q8_0/big-Q8_0-00002-of-00003.gguf",
        "Q8_0/big-Q8_0-00003-of-00003.gguf",
    ]


# --------------------------------------------------------------------------- schema check


def _broken(raw: dict[str, Any], change: Any) -> list[str]:
    data = copy.deepcopy(raw)
    change(data)
    return validate_catalog(data)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["models"][1].pop("repo"), "missing repo"),
        (lambda d: d["models"][1].__setitem__("id", d["models"][2]["id"]), "duplicate id"),
        (
            lambda d: d["models"][1].__setitem__("name", d["models"][2]["name"].upper()),
            "duplicate name",
        ),
        (lambda d: d["models"][1].__setitem__("params", "7B"), "params must be int"),
        (lambda d: d["models"][1].__setitem__("verified", 1), "verified must be bool"),
        (lambda d: d["models"][1].__setitem__("params", True), "params must be int, not a boolean"),
        (
            lambda d: d["models"][1].__setitem__("repo", "no-owner"),
            "repo must look like owner/name",
        ),
        (lambda d: d["models"][1].__setitem__("languages", []), "languages must be a non-empty"),
        (lambda d: d["models"][1]["description"].pop("zh"), "description.zh is required"),
        (
            lambda d: d["models"][1]["architecture"].__setitem__("n_layers", 0),
            "n_layers must be positive",
        ),
        (lambda d: d["models"][1]["architecture"].pop("head_dim"), "missing head_dim"),
        (lambda d: d["models"][1]["files"][0].__setitem__("quant", "Q9_Z"), "unknown quantization"),
        (lambda d: d["models"][1]["files"][0].__setitem__("size", -1), "size must be positive"),
        (
            lambda d: d["models"][1]["files"][0].__setitem__("file", "../x.gguf"),
            "relative .gguf path",
        ),
        (lambda d: d["models"][1]["files"][0].__setitem__("file", "x.bin"), "relative .gguf path"),
        (lambda d: d["models"][1]["files"][0].__setitem__("sha256", "XYZ"), "sha256 must be 64"),
        (lambda d: d["models"][1]["files"][0].__setitem__("shards", 2), "a set of 2 shards"),
        (
            lambda d: d["models"][1]["files"].append(dict(d["models"][1]["files"][0])),
            "listed twice",
        ),
        (lambda d: d["models"][1].__setitem__("colour", "red"), "unknown key colour"),
        (
            lambda d: d["models"][1].__setitem__("starter", True),
            "exactly one entry must be the starter",
        ),
        (lambda d: d["models"][0]["files"][0].pop("sha256"), "exactly one file with a sha256"),
        (lambda d: d.__setitem__("schema_version", 2), "schema_version must be 1"),
        (lambda d: d.__setitem__("models", []), "models must be a non-empty list"),
    ],
)
def test_schema_problems_are_named(raw: dict[str, Any], change: Any, expected: str) -> None:
    problems = _broken(raw, change)
    assert any(expected in p for p in problems), problems


def test_invalid_catalog_raises_with_the_problems(raw: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(raw)
    data["models"][3].pop("license")
    with pytest.raises(CatalogError, match="missing license"):
        parse_catalog(data)
    assert validate_catalog([]) == ["the catalog must be a JSON object"]

    bad = tmp_path / "catalog.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CatalogError, match="cannot be read"):
        load_catalog(bad)
    with pytest.raises(CatalogError, match="missing"):
        load_catalog(tmp_path / "absent.json")

    good = tmp_path / "good.json"
    good.write_text(json.dumps(raw), encoding="utf-8")
    assert len(load_catalog(good)) == len(raw["models"])
