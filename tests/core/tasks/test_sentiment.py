"""Sentiment analysis with the real SmolLM2 model: probabilities from the next-token distribution."""

from __future__ import annotations

import argparse
import codecs
import contextlib
import csv
import importlib
import math
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.engine.chat_template import ChatFormatter
from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import ClassifyReport, ItemScore, Result
from desktop_app.core.engine.params import ChatRequest
from desktop_app.core.engine.scoring import ClassifyRequest, build_prompt, plan_labels
from desktop_app.core.tasks.sentiment import (
    DEFAULT_LABELS,
    NOT_SCORED,
    ItemResult,
    SentimentTask,
    decode_bytes,
    export_csv,
    read_table,
)

POSITIVE = [
    "I absolutely love this phone, best purchase ever!",
    "This is the best day of my life. I am so happy!",
]
NEGATIVE = [
    "This is terrible, I hate it.",
    "This was the worst experience ever. I hate it and I am very angry.",
]


def check_probs(result: ItemResult, labels: tuple[str, ...]) -> None:
    assert result.error is None, result.error
    assert list(result.probs) == list(labels)
    assert all(0.0 <= p <= 1.0 for p in result.probs.values())
    assert math.isclose(sum(result.probs.values()), 1.0, abs_tol=1e-9)
    assert result.label == max(result.probs, key=lambda k: result.probs[k])


def classify(
    engine: EngineClient, request: ClassifyRequest
) -> tuple[list[ItemScore], ClassifyReport]:
    events = list(engine.classify(request).events(timeout=120))
    final = events[-1]
    assert isinstance(final, Result) and isinstance(final.value, ClassifyReport), final
    items = [e for e in events if isinstance(e, ItemScore)]
    assert [e.index for e in items] == list(range(len(request.texts)))
    return items, final.value


@pytest.mark.parametrize(
    "labels",
    [
        DEFAULT_LABELS,
        ("positive", "negative"),
        ("positive", "negative", "neutral", "mixed"),
        ("joy", "anger", "sadness", "surprise"),
        ("积极", "消极"),
        ("very positive", "very negative", "neutral"),  # shared first token: whole sequences
    ],
)
def test_probabilities_sum_to_one_for_every_label_set(
    engine: EngineClient, labels: tuple[str, ...]
) -> None:
    task = SentimentTask(engine)
    results = task.classify_batch([POSITIVE[0], NEGATIVE[0]], labels)
    for result in results:
        check_probs(result, labels)
    report = task.last_report
    assert report is not None and report.calibration is not None
    assert math.isclose(sum(report.calibration.values()), 1.0, abs_tol=1e-9)
    assert report.mode == ("sequence" if labels[0] == "very positive" else "first_token")


def test_custom_label_mixed_is_scored(engine: EngineClient) -> None:
    labels = ("positive", "negative", "neutral", "mixed")
    result = SentimentTask(engine).classify_one(
        "The hotel room was lovely but the service was slow and rude.", labels
    )
    check_probs(result, labels)
    assert result.probs["mixed"] > 0.0


@pytest.mark.parametrize("calibrate", [True, False])
def test_clear_sentences_get_the_expected_label(engine: EngineClient, calibrate: bool) -> None:
    task = SentimentTask(engine)
    results = task.classify_batch(POSITIVE + NEGATIVE, calibrate=calibrate)
    assert [r.label for r in results] == ["positive", "positive", "negative", "negative"]
    for r in results:
        check_probs(r, DEFAULT_LABELS)
    assert (task.last_report is not None) and (task.last_report.calibration is None) != calibrate


def test_examples_and_a_reason(engine: EngineClient) -> None:
    examples = [
        ("What a lovely surprise, thank you!", "positive"),
        ("Awful. Never again.", "negative"),
    ]
    result = SentimentTask(engine).classify_one(
        POSITIVE[0], ("positive", "negative"), examples=examples, reason=True
    )
    check_probs(result, ("positive", "negative"))
    assert result.label == "positive"
    assert result.reason and any(c.isalpha() for c in result.reason)
    assert "\n" not in result.reason


def test_the_prefix_is_evaluated_once_and_then_reused(engine: EngineClient) -> None:
    # A long, unique instruction: were it evaluated per item, the count would show it.
    instruction = "Decide the sentiment. " * 40 + "Say positive or negative. Run 7."
    texts = tuple(f"Item {i}: the weather is nice and I feel great." for i in range(6))
    request = ClassifyRequest(
        texts, ("positive", "negative"), instruction=instruction, calibrate=False
    )
    _, first = classify(engine, request)
    assert first.prefix_evaluations == 1
    assert first.prefix_tokens > 150
    # all of it but a start that the cache may share with an earlier prompt ("<|im_start|>system")
    assert first.prefix_tokens - 10 < first.prefix_tokens_evaluated <= first.prefix_tokens
    # every token decoded: the prefix once, then each item's tokens and the template's tail
    body = sum(engine.count_tokens(t).result(timeout=30) for t in texts)
    tail_total = first.tokens_evaluated - first.prefix_tokens_evaluated - body
    assert tail_total > 0 and tail_total % len(texts) == 0 and tail_total // len(texts) < 20
    assert first.llama_prompt_tokens == first.tokens_evaluated  # llama.cpp's perf counter agrees
    assert first.decodes <= 1 + len(texts)  # one decode for the prefix, at most one per item
    _, again = classify(engine, request)
    assert again.prefix_evaluations == 0 and again.prefix_tokens_evaluated == 0
    assert again.tokens_evaluated == body + tail_total  # only the items this time


def write_bad_csv(path: Path) -> None:
    rows = [
        b"id,text,lang\r\n",
        b'1,"I absolutely love this phone, best purchase ever!",en\r\n',
        b'2,"",en\r\n',
        b"3," + b"word " * 5000 + b",en\r\n",
        b"4,bad bytes \xff\xfe\xfa here,en\r\n",
        "5,这本书非常好看，我很喜欢。,zh\r\n".encode(),
        b'6,"This is terrible, I hate it.",en\r\n',
    ]
    path.write_bytes(b"".join(rows))


def test_bad_rows_are_reported_per_row_and_the_rest_completes(
    engine: EngineClient, tmp_path: Path
) -> None:
    source = tmp_path / "bad.csv"
    write_bad_csv(source)
    table = read_table(source, "text")
    assert table.encoding == "utf-8" and table.columns == ["id", "text", "lang"]
    assert [row[0] for row in table.rows] == ["1", "2", "3", "4", "5", "6"]
    results = SentimentTask(engine).classify_batch(table.texts)
    errors = {i: r.error for i, r in enumerate(results) if r.error}
    assert set(errors) == {1, 2, 3}
    assert "empty" in str(errors[1])
    assert "too long" in str(errors[2])
    assert "not valid" in str(errors[3])
    for i in (0, 4, 5):
        check_probs(results[i], DEFAULT_LABELS)
    assert results[0].label == "positive" and results[5].label == "negative"
    out = tmp_path / "out.csv"
    export_csv(table.rows, table.columns, results, out)
    with out.open(encoding="utf-8-sig", newline="") as f:
        back = list(csv.reader(f))
    assert back[4][1] == "bad bytes \ufffd\ufffd\ufffd here"  # written out, marked as replaced
    assert back[4][back[0].index("error")] == errors[3]


def test_cancel_mid_batch_keeps_partial_results(engine: EngineClient) -> None:
    texts = [f"{POSITIVE[i % 2]} ({i})" for i in range(40)]
    stop = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int, index: int, result: ItemResult) -> None:
        seen.append(index)
        if done == 3:
            stop.set()

    task = SentimentTask(engine)
    results = task.classify_batch(texts, on_progress=progress, cancel=stop)
    report = task.last_report
    assert report is not None and report.cancelled
    scored = [r for r in results if r.error is None]
    assert 3 <= len(scored) < len(texts)
    assert results[: len(scored)] == scored  # the first ones, in order
    assert all(r.error == NOT_SCORED and r.label is None for r in results[len(scored) :])
    for r in scored:
        check_probs(r, DEFAULT_LABELS)
    assert seen == list(range(len(scored)))
    # the engine is consistent afterwards: the same text scores as before
    again = task.classify_one(texts[0])
    assert again.label == results[0].label
    # alone vs in a decode of several sequences: float rounding depends on the batch's shape
    assert math.isclose(again.probs["positive"], results[0].probs["positive"], abs_tol=0.05)


def test_cancel_inside_a_long_text_stops_the_evaluation(engine: EngineClient) -> None:
    long_text = " ".join(
        f"Line {i}: the delivery was late and the box was damaged." for i in range(220)
    )
    assert 2500 < engine.count_tokens(long_text).result(timeout=30) < 3900  # seconds of work
    stop = threading.Event()
    task = SentimentTask(engine)
    task.classify_one(POSITIVE[0])  # the prompt's prefix and calibration are ready
    timer = threading.Timer(0.5, stop.set)
    timer.start()
    started = time.perf_counter()
    results = task.classify_batch([long_text, POSITIVE[0]], cancel=stop)
    elapsed = time.perf_counter() - started
    timer.cancel()
    assert task.last_report is not None and task.last_report.cancelled
    assert [r.error for r in results] == [NOT_SCORED, NOT_SCORED]
    assert elapsed < 4.0, f"the cancel took {elapsed - 0.5:.1f} s to land"
    check_probs(task.classify_one(POSITIVE[0]), DEFAULT_LABELS)  # still consistent
    assert engine.chat(ChatRequest.of([{"role": "user", "content": "Hi"}], max_tokens=4)).text(60)


def test_export_round_trip_keeps_original_columns(engine: EngineClient, tmp_path: Path) -> None:
    columns = ["id", "text", "label"]  # a "label" column of its own: ours must not clash
    rows = [
        ["a1", 'She said "great", and then, well,\nit was great.', "positive"],
        ["a2", "这家酒店太差了，再也不来了。", "negative"],
    ]
    labels = ("positive", "negative")
    results = SentimentTask(engine).classify_batch([r[1] for r in rows], labels)
    out = tmp_path / "sub" / "results.csv"
    out.parent.mkdir()
    export_csv(rows, columns, results, out)
    assert [p.name for p in out.parent.iterdir()] == ["results.csv"]  # no temporary left
    table = read_table(out, "text")
    added = ["predicted_label", "p_positive", "p_negative", "margin", "unsure", "error"]
    assert table.columns == [*columns, *added]
    assert [r[:3] for r in table.rows] == rows
    for row, res in zip(table.rows, results, strict=True):
        assert row[3] == res.label
        probs = [float(row[4]), float(row[5])]
        assert math.isclose(sum(probs), 1.0, abs_tol=2e-4)
        assert math.isclose(probs[0], res.probs["positive"], abs_tol=1e-4)


def test_multi_sequence_batches_match_one_at_a_time(
    starter_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a context made for several sequences, items share the prefix and one decode."""
    from desktop_app.core.engine import llama_engine
    from desktop_app.core.engine.llama_engine import LlamaEngine
    from desktop_app.core.engine.params import LoadParams

    @contextlib.contextmanager
    def sequences(n: int) -> Iterator[None]:
        with monkeypatch.context() as m:
            m.setattr(llama_engine, "PARALLEL_SEQUENCES", n)
            yield

    texts = tuple(POSITIVE + NEGATIVE + ["The meeting is on Tuesday at ten."])
    outs: dict[int, tuple[list, ClassifyReport]] = {}
    for n in (1, 4):
        engine = LlamaEngine(cancel_requested=lambda: False)
        try:
            with sequences(n):
                engine.load(LoadParams(str(starter_model), n_ctx=2048, n_threads=2))
            events = list(engine.classify(ClassifyRequest(texts, DEFAULT_LABELS)))
        finally:
            engine.unload()
        report = events[-1]
        assert isinstance(report, ClassifyReport)
        outs[n] = ([e for e in events if isinstance(e, ItemScore)], report)
    (single, r1), (multi, r4) = outs[1], outs[4]
    assert r1.parallel == 1 and r4.parallel == 4
    assert r4.decodes < r1.decodes
    for a, b in zip(single, multi, strict=True):
        assert math.isclose(sum(b.probs.values()), 1.0, abs_tol=1e-9)
        # same numbers up to float rounding that depends on the batch's shape
        assert all(abs(a.probs[k] - b.probs[k]) < 0.1 for k in DEFAULT_LABELS)
    assert [a.label for a in single[:4]] == [b.label for b in multi[:4]]


# ---- no model -----------------------------------------------------------------------------------


def test_label_plan_drops_forms_that_start_with_a_bare_space() -> None:
    vocab: dict[str, int] = {}

    def tokenize(text: str) -> list[int]:  # SentencePiece-like: " word" -> "▁" + "word"
        pieces = (["▁"] if text.startswith(" ") else []) + [text.strip()]
        return [vocab.setdefault(piece, len(vocab)) for piece in pieces]

    plan = plan_labels(tokenize, ["good", "bad"], lambda t: t == vocab.get("▁"))
    assert plan.mode == "first_token"
    assert vocab["▁"] not in {f[0] for forms in plan.forms for f in forms}
    assert plan_labels(tokenize, ["good", "bad"]).mode == "first_token"  # single tokens win


def test_prompt_for_a_template_without_a_system_role() -> None:
    template = (
        "{% for m in messages %}{% if m['role'] == 'system' %}"
        "{{ raise_exception('System role not supported') }}{% endif %}"
        "[{{ m['role'] }}]{{ m['content'] }}\n{% endfor %}[assistant]"
    )
    formatter = ChatFormatter.for_model(template, "<s>", "</s>")

    def tokenize(text: str, add_bos: bool, special: bool) -> list[int]:
        return list(text.encode())

    prompt = build_prompt(
        formatter, tokenize, False, DEFAULT_LABELS, "Judge it.", [("Nice!", "Positive")]
    )
    head = bytes(prompt.prefix).decode()
    assert head == "[user]Judge it.\n\nNice!\n[assistant]positive\n[user]"
    assert bytes(prompt.tail).decode() == "\n[assistant]"


def test_encodings_are_detected(tmp_path: Path) -> None:
    text = "text,lang\r\n很好的酒店,zh\r\nnice,en\r\n"
    for encoding, data in [
        ("utf-8", text.encode()),
        ("utf-8-sig", codecs.BOM_UTF8 + text.encode()),
        ("utf-16", text.encode("utf-16")),
        ("gb18030", text.encode("gb18030")),
    ]:
        decoded, used = decode_bytes(data)
        assert decoded == text and used == encoding, (encoding, used)
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(data)
        assert read_table(path).texts == ["很好的酒店", "nice"]


def test_tsv_txt_and_xlsx(tmp_path: Path) -> None:
    openpyxl = importlib.import_module("openpyxl")  # untyped; mypy has no stubs for it

    tsv = tmp_path / "a.tsv"
    tsv.write_text("id\treview\n1\tgood, really\n2\tbad\n", encoding="utf-8")
    table = read_table(tsv, "review")
    assert table.columns == ["id", "review"] and table.texts == ["good, really", "bad"]
    semi = tmp_path / "b.csv"
    semi.write_text("id;review\n1;good, really\n2;bad\n", encoding="utf-8")
    assert read_table(semi, "review").texts == ["good, really", "bad"]
    txt = tmp_path / "c.txt"
    txt.write_text("first line\n\nsecond line\n", encoding="utf-8")
    assert read_table(txt).texts == ["first line", "second line"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["n", "Text"])
    sheet.append([1, "很好"])
    sheet.append([2.0, "bad"])
    xlsx = tmp_path / "d.xlsx"
    book.save(xlsx)
    table = read_table(xlsx)
    assert table.columns == ["n", "Text"] and table.rows == [["1", "很好"], ["2", "bad"]]
    with pytest.raises(ValueError, match="no column named"):
        read_table(xlsx, "missing")


def test_cli_file_to_csv(
    starter_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop_app import cli_sentiment
    from desktop_app.core.storage.settings import Settings

    parser = argparse.ArgumentParser(prog="hearth")
    sub = parser.add_subparsers(dest="command")
    cli_sentiment.add_parser(sub)
    source = tmp_path / "in.csv"
    source.write_text("id,review\n1,I love it so much!\n2,\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    args = parser.parse_args(
        ["sentiment", "--file", str(source), "--column", "review", "--labels", "positive,negative",
         "-o", str(out), "--model", str(starter_model), "-t", "2", "-q"]
    )  # fmt: skip
    settings = Settings.load(tmp_path / "settings.json")
    assert cli_sentiment.run(args, settings) == 0
    table = read_table(out)
    assert table.columns == [
        "id", "review", "label", "p_positive", "p_negative", "margin", "unsure", "error"
    ]  # fmt: skip
    assert table.rows[0][2] in ("positive", "negative") and table.rows[1][7]
    assert table.rows[0][6] in ("true", "false") and table.rows[1][5:7] == ["", ""]
    args = parser.parse_args(["sentiment", POSITIVE[0], "--model", str(starter_model), "-q"])
    assert cli_sentiment.run(args, settings) == 0
    printed = capsys.readouterr().out.split()
    assert printed[0] == "positive" and "negative" in printed and "neutral" in printed
