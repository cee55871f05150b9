"""The settings schema: one table of keys; typed reads; a bad value on disk gives the default,
is logged and leaves the file alone; files written by the release before the schema load as they
were."""

from __future__ import annotations

import json
import logging
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.engine.params import FLASH_ATTN, KV_TYPES, LoadParams, SamplingParams
from desktop_app.core.errors import SettingsError
from desktop_app.core.storage.settings import DEFAULTS, SCHEMA, Settings
from desktop_app.core.storage.settings_schema import (
    SUMMARY_LANGUAGES,
    SUMMARY_STYLES,
    Load,
    Remote,
    Sampling,
    Setting,
    Top,
)
from desktop_app.core.tasks.summary_prompts import LANGUAGES, STYLES

# What the release before the schema wrote for a fresh file (its DEFAULTS, saved), plus a few
# user changes: it must load with no warning and every value as written.
OLD_FILE = {
    "schema_version": 2,
    "default_model": "/models/qwen.gguf",
    "language": "zh_CN",
    "theme": "dark",
    "offline": False,
    "load": {
        "n_ctx": 8192,
        "n_gpu_layers": "auto",
        "n_threads": None,
        "n_batch": 512,
        "flash_attn": "auto",
        "kv_type": "q8_0",
        "use_mmap": True,
        "use_mlock": False,
    },
    "sampling": {
        "temperature": 0.8,
        "top_p": 0.95,
        "top_k": 40,
        "min_p": 0.05,
        "repeat_penalty": 1.1,
        "max_tokens": 1024,
    },
    "models": {"extra_dirs": ["/data/models"]},
    "hub": {"endpoint": "https://huggingface.co", "token": None},
    "remote": {"base_url": "", "api_key": None, "model": "", "n_ctx": None},
    "summarize": {"style": "bullets", "target_words": None, "language": "same", "instruction": ""},
    "sentiment": {
        "labels": ["positive", "negative", "neutral"],
        "examples": [["great", "positive"]],
        "calibrate": True,
        "reason": False,
        "unsure_below": 0.1,
    },
}


def test_every_key_once_with_a_valid_default_and_a_description() -> None:
    keys = [s.key for s in SCHEMA]
    assert len(keys) == len(set(keys))
    for s in SCHEMA:
        assert s.valid(s.default), s.key
        assert s.description.strip(), s.key
    assert set(OLD_FILE) == set(DEFAULTS)
    for section, values in OLD_FILE.items():
        if isinstance(values, dict):
            assert set(values) == set(DEFAULTS[section]), section


def test_defaults_are_the_engine_s_and_the_tasks_choices() -> None:
    """The context default is written once (params.DEFAULT_N_CTX); choices match their owners."""
    assert Load.n_ctx.default == LoadParams("x").n_ctx
    assert Load.n_batch.default == LoadParams("x").n_batch
    assert Load.flash_attn.default == LoadParams("x").flash_attn
    assert Load.kv_type.default == LoadParams("x").kv_type
    assert Load.kv_type.choices == KV_TYPES and Load.flash_attn.choices == FLASH_ATTN
    assert set(SUMMARY_STYLES) == set(STYLES) and set(SUMMARY_LANGUAGES) == set(LANGUAGES)
    sampling_fields = {f.name for f in fields(SamplingParams)}
    assert {s.name for s in SCHEMA if s.section == "sampling"} <= sampling_fields


def test_a_file_from_before_the_schema_loads_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(OLD_FILE), encoding="utf-8")
    s = Settings.load(path)
    assert s.warnings == []
    assert s.data == OLD_FILE
    assert s.value(Load.n_ctx) == 8192
    assert s.value(Load.kv_type) == "q8_0"
    assert s.value(Top.language) == "zh_CN"
    s.save()
    assert json.loads(path.read_text(encoding="utf-8")) == OLD_FILE


def test_typed_reads_and_writes(tmp_path: Path) -> None:
    s = Settings.load(tmp_path / "settings.json")
    assert s.value(Load.n_ctx) == Load.n_ctx.default
    assert s.value(Remote.n_ctx) is None
    s.put(Load.n_ctx, 2048)
    s.put(Load.n_gpu_layers, 12)
    s.put(Sampling.temperature, 0.3)
    assert s.get("load.n_ctx") == 2048 and s.value(Load.n_gpu_layers) == 12
    assert s.value(Sampling.temperature) == 0.3
    bad_values: list[tuple[Setting[Any], Any]] = [
        (Load.n_ctx, 8),  # below the range
        (Load.n_threads, 0),
        (Load.n_gpu_layers, "some"),
        (Sampling.top_p, 0.0),  # exclusive bound
        (Sampling.min_p, 1.5),
        (Top.theme, "neon"),
    ]
    for setting, bad in bad_values:
        with pytest.raises(SettingsError):
            s.put(setting, bad)
    assert s.value(Load.n_ctx) == 2048


@pytest.mark.parametrize(
    ("key", "bad"),
    [
        ("n_ctx", 0),
        ("n_ctx", 2.5),
        ("n_threads", -2),
        ("n_batch", 0),
        ("n_gpu_layers", "lots"),
        ("kv_type", "f8"),
        ("use_mmap", "yes"),
    ],
)
def test_a_bad_value_on_disk_gives_the_default_logged_and_the_file_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, key: str, bad: object
) -> None:
    path = tmp_path / "settings.json"
    data = json.loads(json.dumps(OLD_FILE))
    data["load"][key] = bad
    path.write_text(json.dumps(data), encoding="utf-8")
    before = path.read_bytes()
    with caplog.at_level(logging.WARNING, logger="desktop_app.core.storage.settings"):
        s = Settings.load(path)
    default = DEFAULTS["load"][key]
    assert s.get(f"load.{key}") == default
    assert s.value(Load.n_ctx) == (default if key == "n_ctx" else 8192)
    assert len(s.warnings) == 1 and f"load.{key}" in s.warnings[0]
    assert any(f"load.{key}" in r.getMessage() for r in caplog.records)
    assert path.read_bytes() == before  # nothing lost until the user saves
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]


def test_old_string_gpu_layers_and_nan_temperature(tmp_path: Path) -> None:
    """ "20" (a string, as an old release could write) is a valid count; NaN is not a number."""
    path = tmp_path / "settings.json"
    path.write_text(
        '{"schema_version": 2, "load": {"n_gpu_layers": "20"}, "sampling": {"temperature": NaN}}',
        encoding="utf-8",
    )
    s = Settings.load(path)
    assert s.get("load.n_gpu_layers") == "20"
    assert s.value(Sampling.temperature) == Sampling.temperature.default
    assert len(s.warnings) == 1
