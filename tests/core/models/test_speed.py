"""Is a model practical here: the measured memory bandwidth (positive, kept, measured again when
the machine changes), the speed predicted from it, and the tiers with their reasons, on
hand-built machines and on the real starter model (prediction beside a real generation)."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from desktop_app.core import i18n
from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import Done, Stats
from desktop_app.core.engine.params import ChatRequest
from desktop_app.core.models.catalog import CatalogEntry, load_catalog
from desktop_app.core.models.fit import ModelShape, estimate_fit, machine
from desktop_app.core.models.fit_machine import ram_speed
from desktop_app.core.models.gguf_info import inspect_gguf
from desktop_app.core.models.practical import judge_entry, practical
from desktop_app.core.models.speed import (
    CPU_EFFICIENCY,
    GPU_EFFICIENCY,
    cached_speed,
    gpu_bandwidth,
    keep_speed,
    machine_facts,
    machine_speed,
    measure_bandwidth,
    predict_prompt_speed,
    predict_speed,
)

MiB = 1024**2
GB = 1e9
TWO_CORES = ram_speed(bandwidth_gbs=18, cores=2)
DESKTOP = ram_speed(bandwidth_gbs=70, cores=8)


def entry(entry_id: str) -> CatalogEntry:
    e = load_catalog().get(entry_id)
    assert e is not None
    return e


def shape(entry_id: str, quant: str) -> ModelShape:
    e = entry(entry_id)
    f = e.file_for(quant)
    assert f is not None
    return ModelShape.from_catalog(e, f)


# --------------------------------------------------------------------------- measurement


def test_bandwidth_is_measured_and_positive() -> None:
    bw = measure_bandwidth(threads=2, size=32 * MiB, runs=2)
    assert 0.1 * GB < bw < 10_000 * GB


def test_the_measurement_is_kept_and_measured_again_when_the_machine_changes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cache" / "machine-speed.json"
    assert cached_speed(path) is None
    first = machine_speed(path)
    assert first.bandwidth > 0 and first.facts == machine_facts()
    assert path.is_file() and json.loads(path.read_text())["bandwidth"] == first.bandwidth
    again = machine_speed(path)  # kept: not measured again
    assert again == first and cached_speed(path) == first
    # another machine (here: the file says more RAM): the kept figure no longer counts
    data = json.loads(path.read_text())
    data["facts"]["ram_total"] += 1
    path.write_text(json.dumps(data))
    assert cached_speed(path) is None
    other = machine_speed(path)
    assert other.measured_at > first.measured_at and other.facts == machine_facts()
    # asked for: measured again; the machine did not get slower, so the best figure stays
    refreshed = machine_speed(path, refresh=True)
    assert refreshed.measured_at >= other.measured_at
    assert refreshed.bandwidth >= other.bandwidth
    path.write_text("not json")
    assert cached_speed(path) is None


# --------------------------------------------------------------------------- prediction


def test_cpu_speed_is_bandwidth_over_the_weights() -> None:
    s = shape("qwen2.5-7b-instruct", "Q4_K_M")
    est = estimate_fit(s, machine(ram_gib=32, ram_free_gib=24))
    guess = predict_speed(est, TWO_CORES, machine(ram_gib=32), n_past=0)
    assert guess.basis == "cpu" and not guess.upper_bound and guess.overhead_s == 0
    assert guess.tokens_per_s == pytest.approx(CPU_EFFICIENCY * 18 * GB / s.file_size)
    assert predict_speed(est, None, machine(ram_gib=32)).tokens_per_s is None


def test_the_kv_read_so_far_and_the_overhead_per_layer_add_to_each_token() -> None:
    """time per token = layers x overhead + (weights + KV of n_past tokens) / (bw x eff)."""
    s = shape("qwen2.5-7b-instruct", "Q4_K_M")
    est = estimate_fit(s, machine(ram_gib=32, ram_free_gib=24), n_ctx=4096)
    per_token_kv = est.kv_bytes / 4096
    bw = CPU_EFFICIENCY * 18 * GB
    at_2048 = predict_speed(est, TWO_CORES, machine(ram_gib=32), n_past=2048)
    assert at_2048.tokens_per_s == pytest.approx(bw / (s.file_size + 2048 * per_token_kv))
    full = predict_speed(est, TWO_CORES, machine(ram_gib=32), n_past=10**6)  # capped at n_ctx
    assert full.tokens_per_s == pytest.approx(bw / (s.file_size + est.kv_bytes))
    probed = dataclasses.replace(TWO_CORES, layer_overhead_s=1e-4)
    slow = predict_speed(est, probed, machine(ram_gib=32), n_past=0)
    assert slow.overhead_s == pytest.approx(1e-4 * s.n_layers)  # the output layer not counted
    assert slow.tokens_per_s == pytest.approx(1 / (1e-4 * s.n_layers + s.file_size / bw))


def test_the_overhead_is_what_makes_a_tiny_model_slower_than_its_bytes() -> None:
    """135M parameters: the bytes alone say ~98 tok/s on two cores; 3 ms of fixed work per
    token (0.1 ms x 30 layers) takes a quarter off that. A 7B model barely changes."""
    tiny = ModelShape(file_size=98_000_000, n_layers=30, n_kv_heads=3, key_length=64,
                      value_length=64, vocab_size=49152, n_params=135_000_000)  # fmt: skip
    big = shape("qwen2.5-7b-instruct", "Q4_K_M")
    probed = dataclasses.replace(TWO_CORES, layer_overhead_s=1e-4)
    report = machine(ram_gib=32, ram_free_gib=24)
    for s, change in ((tiny, 0.8), (big, 0.99)):
        est = estimate_fit(s, report)
        with_overhead = predict_speed(est, probed, report).tokens_per_s
        bytes_only = predict_speed(est, TWO_CORES, report).tokens_per_s
        assert with_overhead is not None and bytes_only is not None
        ratio = with_overhead / bytes_only
        assert (ratio < change) if s is tiny else (ratio > change)


def test_on_few_cores_the_arithmetic_can_set_the_speed() -> None:
    """time per token = overhead + max(bytes / (bw x eff), parameters / gen_rate)."""
    s = shape("qwen2.5-7b-instruct", "Q4_K_M")
    report = machine(ram_gib=32, ram_free_gib=24)
    est = estimate_fit(s, report)
    bw = CPU_EFFICIENCY * 18 * GB
    slow_cpu = dataclasses.replace(TWO_CORES, gen_rate=s.n_params / 2.0)  # 2 s of arithmetic
    guess = predict_speed(est, slow_cpu, report, n_past=0, n_params=s.n_params)
    assert guess.tokens_per_s == pytest.approx(0.5)
    fast_cpu = dataclasses.replace(TWO_CORES, gen_rate=s.n_params * 1000.0)  # the bytes win
    guess = predict_speed(est, fast_cpu, report, n_past=0, n_params=s.n_params)
    assert guess.tokens_per_s == pytest.approx(bw / s.file_size)


def test_the_measured_curve_sets_the_speed_by_width() -> None:
    """time per token = overhead + bytes / rate(width), the width from the parameters; the
    rate log-linear between the measured widths, flat beyond; sampling costs per vocab entry."""
    from desktop_app.core.models.speed import model_width, rate_at_width

    assert model_width(134_515_008, 30, 49152) == pytest.approx(547, abs=1)  # starter: 576
    curve = ((512, 10 * GB), (1024, 20 * GB), (2048, 30 * GB))
    assert rate_at_width(curve, 256) == 10 * GB and rate_at_width(curve, 4096) == 30 * GB
    assert rate_at_width(curve, 724) == pytest.approx(15 * GB, rel=1e-3)  # halfway in log
    s = shape("qwen2.5-7b-instruct", "Q4_K_M")
    report = machine(ram_gib=32, ram_free_gib=24)
    est = estimate_fit(s, report)
    measured = dataclasses.replace(
        TWO_CORES, width_rates=curve, layer_overhead_s=0.0, vocab_overhead_s=1e-9
    )
    guess = predict_speed(est, measured, report, n_past=0, n_params=s.n_params, vocab=150_000)
    width = model_width(s.n_params, est.n_layers_total - 1, 150_000)
    assert width > 2048  # a 7B model is wider than the curve: its last point
    assert guess.tokens_per_s == pytest.approx(1 / (150_000e-9 + est.weights_bytes / (30 * GB)))


def test_prompt_speed_is_the_rate_over_the_parameters() -> None:
    assert predict_prompt_speed(1_000_000_000, TWO_CORES) is None  # not measured yet
    probed = dataclasses.replace(TWO_CORES, prompt_rate=2e11)
    assert predict_prompt_speed(1_000_000_000, probed) == pytest.approx(200)
    assert predict_prompt_speed(0, probed) is None


def test_the_probe_figures_are_kept_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "speed.json"
    speed = dataclasses.replace(machine_speed(path), layer_overhead_s=2e-4, prompt_rate=1e10)
    keep_speed(speed, path)
    again = cached_speed(path)
    assert again is not None and (again.layer_overhead_s, again.prompt_rate) == (2e-4, 1e10)
    kept = machine_speed(path, refresh=True)  # a new bandwidth keeps the probe's figures
    assert (kept.layer_overhead_s, kept.prompt_rate) == (2e-4, 1e10)
    data = json.loads(path.read_text())
    data["layer_overhead_s"] = "fast"
    path.write_text(json.dumps(data))
    broken = cached_speed(path)
    assert broken is not None and broken.layer_overhead_s is None  # measured again, not trusted


def test_gpu_speed_from_a_known_card_and_unknown_otherwise() -> None:
    s = shape("qwen2.5-7b-instruct", "Q4_K_M")
    known = machine(ram_gib=32, vram_gib=24, gpu_name="NVIDIA GeForce RTX 4090")
    est = estimate_fit(s, known)
    assert est.placement == "gpu"
    guess = predict_speed(est, TWO_CORES, known, n_past=0)
    assert guess.tokens_per_s == pytest.approx(GPU_EFFICIENCY * 1008 * GB / s.file_size)
    unknown = machine(ram_gib=32, vram_gib=24, gpu_name="Some GPU")
    assert predict_speed(estimate_fit(s, unknown), TWO_CORES, unknown).tokens_per_s is None
    # split between a GPU of unknown speed and the CPU: the CPU's share sets a ceiling
    small = machine(ram_gib=32, ram_free_gib=24, vram_gib=3, gpu_name="Some GPU")
    split = estimate_fit(s, small)
    assert split.placement == "partial"
    ceiling = predict_speed(split, TWO_CORES, small)
    assert ceiling.upper_bound and ceiling.tokens_per_s is not None
    assert ceiling.tokens_per_s > CPU_EFFICIENCY * 18 * GB / s.file_size


def test_gpu_names_match_whole_words() -> None:
    assert gpu_bandwidth("NVIDIA GeForce RTX 4070 Ti SUPER") == 672 * GB
    assert gpu_bandwidth("NVIDIA GeForce RTX 4070") == 504 * GB
    assert gpu_bandwidth("NVIDIA L40S") == 864 * GB
    assert gpu_bandwidth("NVIDIA L4") == 300 * GB
    assert gpu_bandwidth("NVIDIA A100-SXM4-80GB") == 1555 * GB
    assert gpu_bandwidth("Apple M2 Max") == 400 * GB
    assert gpu_bandwidth("Apple M2") == 100 * GB
    assert gpu_bandwidth("NVIDIA GeForce RTX 4060 Laptop GPU") is None  # slower than the card
    assert gpu_bandwidth("Intel(R) Arc(TM) Graphics") is None


# --------------------------------------------------------------------------- tiers


def test_a_large_model_does_not_fit_a_smaller_machine_and_says_why() -> None:
    s = shape("qwen2.5-14b-instruct", "Q5_K_M")  # 10.5 GB
    assert s.file_size == 10_510_000_000
    p = practical(s, machine(ram_gib=8, ram_free_gib=6), TWO_CORES, n_ctx=4096)
    assert p.tier == "wont_fit"
    assert p.reason.startswith("Needs 11.")
    assert p.reason.endswith("at a 4096-token context; this computer has 8.6 GB of RAM.")
    # the catalog entry as a whole: no file fits, nothing is recommended
    judged = judge_entry(entry("qwen2.5-14b-instruct"), machine(ram_gib=8), TWO_CORES)
    assert judged.recommendation is None and judged.shown_quant == "Q4_K_M"
    assert {p.tier for p in judged.options.values()} == {"wont_fit"}


def test_a_small_model_is_good_and_a_large_one_slow_on_two_cores() -> None:
    laptop = machine(ram_gib=32, ram_free_gib=24)
    small = practical(shape("qwen2.5-0.5b-instruct", "Q4_K_M"), laptop, TWO_CORES)
    assert small.tier == "good"
    assert small.reason.startswith("About ") and small.reason.endswith(
        " tokens/s here, on the CPU."
    )
    big = practical(shape("qwen2.5-14b-instruct", "Q5_K_M"), laptop, TWO_CORES)
    assert big.tier == "slow"
    assert big.reason == "About 1.0 tokens/s here: slow on 2 CPU cores."
    assert big.speed.tokens_per_s == pytest.approx(1.02, abs=0.01)
    # the same model on a fast desktop's RAM: still under 10 tokens/s, still slow
    assert practical(shape("qwen2.5-14b-instruct", "Q5_K_M"), laptop, DESKTOP).tier == "slow"
    # little memory left: it fits, without headroom
    tight = practical(
        shape("qwen2.5-7b-instruct", "Q4_K_M"), machine(ram_gib=8, ram_free_gib=5), DESKTOP
    )
    assert tight.tier == "slow" and "close other programs" in tight.reason
    # on a known GPU a 7B model is good; on an unknown one it fits, speed not known
    rtx = machine(ram_gib=32, vram_gib=24, gpu_name="NVIDIA GeForce RTX 4090")
    fast = practical(shape("qwen2.5-7b-instruct", "Q4_K_M"), rtx, TWO_CORES)
    assert fast.tier == "good" and fast.reason.endswith("tokens/s here, on the GPU.")
    other = machine(ram_gib=32, vram_gib=24, gpu_name="Some GPU")
    unknown = practical(shape("qwen2.5-7b-instruct", "Q4_K_M"), other, TWO_CORES)
    assert unknown.tier == "good" and unknown.speed.tokens_per_s is None
    assert "not known" in unknown.reason
    # before the RAM's speed is measured, a CPU model's tier is not guessed
    assert practical(shape("qwen2.5-0.5b-instruct", "Q4_K_M"), laptop, None).tier == "unknown"


def test_reasons_are_marked_for_translation() -> None:
    practical(shape("qwen2.5-14b-instruct", "Q5_K_M"), machine(ram_gib=8), TWO_CORES)
    practical(shape("qwen2.5-14b-instruct", "Q5_K_M"), machine(ram_gib=32), TWO_CORES)
    templates = i18n.templates()
    for template in (
        "Needs {need} at a {ctx}-token context; this computer has {ram} of RAM.",
        "About {rate} tokens/s here: slow on {cores} CPU cores.",
    ):
        assert templates.get(template) == "Fit"


# --------------------------------------------------------------------------- the real model


def test_prediction_beside_the_real_starter_model(
    engine: EngineClient, starter_model: Path, tmp_path: Path
) -> None:
    """Predicted and measured tokens/s of the real model, on this machine, now: the prediction is
    not pessimistic by more than a factor of three, and not optimistic by more than that while
    the machine is not overloaded (llama.cpp's threads wait on each other when other programs
    take the cores: a bandwidth figure cannot foresee that)."""
    speed = machine_speed(tmp_path / "speed.json")
    info = inspect_gguf(starter_model)
    p = practical(ModelShape.from_info(info), machine(ram_gib=16), speed, n_ctx=4096)
    predicted = p.speed.tokens_per_s
    assert predicted is not None
    request = ChatRequest.of(
        [{"role": "user", "content": "Tell a long story about a lighthouse."}],
        max_tokens=120,
        seed=7,
        temperature=0.7,
    )
    events = list(engine.chat(request).events(timeout=300))
    assert isinstance(events[-1], Done)
    measured = next(e for e in events if isinstance(e, Stats)).gen_tps
    print(f"starter: predicted {predicted:.0f} tokens/s, measured {measured:.0f} tokens/s, "
          f"bandwidth {speed.bandwidth / GB:.1f} GB/s")  # fmt: skip
    assert predicted > measured / 3
    if os.getloadavg()[0] < (os.cpu_count() or 1):
        assert predicted < measured * 3


def test_the_probe_measures_the_overhead_and_the_prompt_rate_for_real(tmp_path: Path) -> None:
    """Two synthetic models through the real engine: positive figures, kept, not measured twice."""
    from desktop_app.cli_models_hub import probed_speed
    from desktop_app.core.engine.speed_probe import write_probe_model

    path = tmp_path / "speed.json"
    speed = probed_speed(path)
    assert speed.layer_overhead_s is not None and 0 <= speed.layer_overhead_s < 0.1
    assert speed.prompt_rate is not None and speed.prompt_rate > 1e6
    assert speed.gen_rate is not None and speed.gen_rate > 1e6
    assert [w for w, _ in speed.width_rates] == [512, 1024, 2048]  # bytes/s by width
    assert all(rate > 1e8 for _, rate in speed.width_rates)
    assert speed.vocab_overhead_s is not None and 0 <= speed.vocab_overhead_s < 1e-6
    assert probed_speed(path) == speed  # kept: no second measurement
    model, params = write_probe_model(tmp_path / "p.gguf", n_layers=2, n_embd=64, n_ff=128)
    info = inspect_gguf(model)
    assert (info.n_layers, info.n_params) == (2, params)


def test_a_busy_machine_is_not_probed_unasked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The catalog asks `when_idle`: with the cores busy the synthetic models would read slow and
    be kept so, so only the bandwidth is measured; asked outright (the CLI) the probe runs."""
    from desktop_app.core.controllers import machine_speed as probing

    monkeypatch.setattr(probing, "machine_busy", lambda: True)
    monkeypatch.setattr(probing, "measure_probe", lambda *a, **k: pytest.fail("probed"))
    path = tmp_path / "speed.json"
    speed = probing.probed_speed(path, when_idle=True)
    assert speed.bandwidth > 0 and not speed.width_rates and speed.layer_overhead_s is None
    assert cached_speed(path) == speed  # the bandwidth is kept; the probe waits for a quiet time
