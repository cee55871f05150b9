"""The sentiment controller without Qt, on the real starter model: one text, a batch file with
per-row results, progress, cancel keeping what was scored, export, and files that cannot be read.

The controller runs its work through the default `thread_runner` (a `core.jobs` thread), so its
events arrive on that thread; `Recorder` collects them and waits for one kind.
"""

from __future__ import annotations

import csv
import math
import threading
from collections.abc import Callable
from pathlib import Path

from recorder import Recorder

from desktop_app.core.controllers.runner import Task, thread_runner
from desktop_app.core.controllers.sentiment import (
    BatchEnded,
    BatchStarted,
    CancelRequested,
    Event,
    Exported,
    NoModelError,
    OneEnded,
    OneStarted,
    Options,
    ReadFailed,
    ReadStarted,
    RowDone,
    RowsReset,
    SentimentController,
    TableLoaded,
    UnsureChanged,
)
from desktop_app.core.engine.client import EngineClient
from desktop_app.core.tasks.sentiment import NOT_SCORED

THREE = ("positive", "negative", "neutral")


def write_reviews(path: Path) -> None:
    """Six rows: four real reviews, an empty text and one with bytes that are no encoding."""
    rows = [
        b"id,text,source\r\n",
        b'1,"I love this, it is wonderful!",shop\r\n',
        b'2,"",shop\r\n',
        b'3,"This is terrible. I hate it.",forum\r\n',
        b"4,bad bytes \xff\xfe here,mail\r\n",
        b'5,"Great quality, I am very happy with it.",mail\r\n',
        b'6,"The worst service ever, never again.",mail\r\n',
    ]
    path.write_bytes(b"".join(rows))


def load(controller: SentimentController, seen: Recorder, path: Path, **kw: object) -> None:
    mark = seen.mark()
    assert controller.open_table(path, **kw)  # type: ignore[arg-type]
    loaded = seen.wait_for(TableLoaded, mark)
    assert isinstance(loaded, TableLoaded) and loaded.path == str(path)


def test_one_text_gets_every_label(engine: EngineClient) -> None:
    c = SentimentController(lambda: engine, thread_runner)
    seen = Recorder(c)
    text = "I love this phone, it is wonderful and works perfectly."
    assert c.analyze(text, Options(THREE))
    assert c.analyzing and not c.analyze("again", Options(THREE))  # one at a time
    assert not c.run_batch(Options(THREE))  # no batch meanwhile (and no file either)
    ended = seen.wait_for(OneEnded)
    assert isinstance(ended, OneEnded) and ended.error is None and ended.result is not None
    assert seen.of(OneStarted) == [OneStarted(text)]
    result = ended.result
    assert result.label == "positive" and set(result.probs) == set(THREE)
    assert math.isclose(sum(result.probs.values()), 1.0, abs_tol=1e-6)
    assert c.one_result is result and c.one_error is None and not c.analyzing
    assert c.one_text == text and c.one_labels == THREE


def test_no_model_refuses_or_says_so(tmp_path: Path) -> None:
    c = SentimentController(lambda: None)
    seen = Recorder(c)
    assert c.analyze("Nice.", Options(THREE))
    ended = seen.wait_for(OneEnded)
    assert isinstance(ended, OneEnded) and isinstance(ended.error, NoModelError)
    assert c.one_error is ended.error and c.one_result is None and not c.analyzing
    source = tmp_path / "two.txt"
    source.write_text("Good.\nBad.\n", encoding="utf-8")
    load(c, seen, source)
    assert not c.run_batch(Options(THREE)) and c.busy is None  # nothing to score with


def test_batch_file_rows_progress_and_export(engine: EngineClient, tmp_path: Path) -> None:
    source = tmp_path / "reviews.csv"
    write_reviews(source)
    gate = threading.Event()  # the read waits for it: a six-row file is read in no time

    def gated(
        name: str,
        task: Task,
        on_event: Callable[[object], None],
        on_end: Callable[[object, BaseException | None], None],
    ) -> Callable[[], None]:
        def held(emit: Callable[[object], None], cancel: threading.Event) -> object:
            assert gate.wait(30)
            return task(emit, cancel)

        return thread_runner(name, held, on_event, on_end)

    c = SentimentController(lambda: engine, gated)
    seen = Recorder(c)
    assert c.open_table(source)
    assert c.busy == "read" and not c.open_table(source)  # one job at a time
    gate.set()
    loaded = seen.wait_for(TableLoaded)
    assert seen.of(ReadStarted) == [ReadStarted(str(source))]
    assert isinstance(loaded, TableLoaded) and c.table is not None
    assert c.table.columns == ["id", "text", "source"] and c.table.text_column == 1
    assert c.table_path == str(source) and c.busy is None and c.has_header
    assert c.results == [None] * 6 and not c.unsaved

    assert c.run_batch(Options(THREE))
    assert c.running and c.progress.total == 6 and not c.exported
    ended = seen.wait_for(BatchEnded)
    assert isinstance(ended, BatchEnded) and ended.error is None
    assert seen.of(BatchStarted) == [BatchStarted(6)]
    rows = [e for e in seen.of(RowDone) if isinstance(e, RowDone)]
    assert sorted(e.index for e in rows) == list(range(6))  # each row once, as it is scored
    assert all(c.results[e.index] == e.result for e in rows)
    assert c.progress.done == c.progress.total == 6 and c.progress.stage == "labels"
    assert c.finished and not c.running and c.seconds > 0

    results = c.results
    assert all(r is not None for r in results)
    errors = {i for i, r in enumerate(results) if r is not None and r.error}
    assert errors == {1, 3}  # the empty text and the undecodable one; the others are labelled
    assert "empty" in str(results[1].error)
    assert "not valid" in str(results[3].error)
    for i in (0, 2, 4, 5):
        r = results[i]
        assert r is not None and r.label in THREE and set(r.probs) == set(THREE)
        assert math.isclose(sum(r.probs.values()), 1.0, abs_tol=1e-6)
    assert results[0] is not None and results[0].label == "positive"
    assert ended.outcome.labelled == 4 and ended.outcome.errors == 2
    assert ended.outcome.not_scored == 0 and ended.outcome.total == 6
    counts, unlabelled = c.counts()
    assert sum(counts.values()) == 4 and unlabelled == 2 and set(counts) <= set(THREE)
    assert c.labels == THREE and c.unsaved

    out = c.export(tmp_path / "out.csv")
    assert c.exported and not c.unsaved
    exported = seen.wait_for(Exported)
    assert exported == Exported(out, 6)
    with out.open(encoding="utf-8-sig", newline="") as f:
        back = list(csv.reader(f))
    assert back[0] == [
        "id",
        "text",
        "source",
        "label",
        *(f"p_{x}" for x in THREE),
        "margin",
        "unsure",
        "error",
    ]
    assert [row[0] for row in back[1:]] == ["1", "2", "3", "4", "5", "6"]
    assert back[1][3] == "positive" and back[4][1] == "bad bytes \ufffd\ufffd here"
    assert math.isclose(sum(float(v) for v in back[1][4:7]), 1.0, abs_tol=0.001)

    # "unsure" is read from the results by the threshold set now; nothing is scored again
    margins = [r.margin for r in c.results if r is not None and r.ok]
    assert len(margins) == 4 and all(m is not None and 0 <= m <= 1 for m in margins)
    assert [row[8] for row in back[1:]] == [
        "" if r is None or r.margin is None else str(r.margin < 0.10).lower() for r in c.results
    ]
    mark = seen.mark()
    assert c.set_unsure_below(1.0) and not c.set_unsure_below(1.0)
    assert seen.wait_for(UnsureChanged, mark) == UnsureChanged(1.0)
    assert sum(c.unsure_counts().values()) == 4 and all(
        c.unsure(r) for r in c.results if r and r.ok
    )
    c.set_unsure_below(0.0)
    assert c.unsure_counts() == {} and not any(c.unsure(r) for r in c.results)
    with c.export(tmp_path / "again.csv").open(encoding="utf-8-sig", newline="") as f:
        assert {row[8] for row in list(csv.reader(f))[1:]} == {"false", ""}

    # another column: its texts, every result cleared
    assert c.choose_column(2)
    assert seen.of(RowsReset) and c.table.texts[0] == "shop"
    assert c.results == [None] * 6 and c.labels == () and not c.finished


def test_cancel_mid_batch_keeps_the_rows_done(engine: EngineClient, tmp_path: Path) -> None:
    source = tmp_path / "many.txt"
    lines = ("Lovely staff and a great room.", "The food was cold and bland.")
    source.write_text("\n".join(f"{lines[i % 2]} ({i})" for i in range(60)) + "\n")
    c = SentimentController(lambda: engine)
    seen = Recorder(c)
    load(c, seen, source)
    assert c.table is not None and len(c.table.rows) == 60

    def cancel_after_three(event: Event) -> None:
        if isinstance(event, RowDone) and c.progress.done >= 3:
            c.cancel()

    c.add_listener(cancel_after_three)
    assert c.run_batch(Options(THREE))
    ended = seen.wait_for(BatchEnded)
    c.remove_listener(cancel_after_three)
    assert isinstance(ended, BatchEnded) and ended.error is None
    assert len(seen.of(CancelRequested)) == 1 and c.cancel_requested
    results = c.results
    scored = [r for r in results if r is not None and r.ok]
    assert 3 <= len(scored) < 60
    assert results[: len(scored)] == scored  # the first ones, in order
    assert all(r is not None and r.error == NOT_SCORED for r in results[len(scored) :])
    assert ended.outcome.labelled == len(scored)
    assert ended.outcome.not_scored == 60 - len(scored) and ended.outcome.errors == 0
    counts, unlabelled = c.counts()
    assert sum(counts.values()) == len(scored) and unlabelled == 0  # unreached: left out
    assert not c.running and c.unsaved

    out = c.export(tmp_path / "partial.csv")
    with out.open(encoding="utf-8-sig", newline="") as f:
        back = list(csv.reader(f))
    assert len(back) == 61 and back[-1][-1] == NOT_SCORED and back[1][1] in THREE

    # the engine is free again: the same controller runs the next batch to the end
    mark = seen.mark()
    assert c.run_batch(Options(("good", "bad")))
    ended = seen.wait_for(BatchEnded, mark)
    assert isinstance(ended, BatchEnded) and ended.error is None and not c.running
    assert ended.outcome.labelled == 60 and c.labels == ("good", "bad")


def test_a_file_that_cannot_be_read_loses_nothing(engine: EngineClient, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("text\nWhat a lovely day.\nThis is awful.\n", encoding="utf-8")
    c = SentimentController(lambda: engine)
    seen = Recorder(c)
    load(c, seen, good)
    assert c.run_batch(Options(THREE))
    seen.wait_for(BatchEnded)
    table, results = c.table, list(c.results)
    assert table is not None and all(r is not None and r.ok for r in results)

    broken = tmp_path / "broken.csv"  # one field past the csv module's limit
    broken.write_text('id,text\n1,"' + "x" * 200_000 + '"\n', encoding="utf-8")
    missing = tmp_path / "gone.csv"
    for path, kind in ((broken, "field larger"), (missing, "No such file")):
        mark = seen.mark()
        assert c.open_table(path)
        failed = seen.wait_for(ReadFailed, mark)
        assert isinstance(failed, ReadFailed) and failed.path == str(path)
        assert kind in str(failed.error), failed.error
        assert c.busy is None and c.table is table and c.results == results
        assert c.table_path == str(good) and c.unsaved  # the results are still there to export
    assert isinstance(seen.of(ReadFailed)[-1].error, FileNotFoundError)  # type: ignore[attr-defined]

    # a failed run (labels the engine refuses) keeps the facts: the error, nothing scored
    mark = seen.mark()
    assert c.run_batch(Options(("only",)))
    ended = seen.wait_for(BatchEnded, mark)
    assert isinstance(ended, BatchEnded) and isinstance(ended.error, ValueError)
    assert c.error is ended.error and c.results == [None, None]
    assert ended.outcome.errors == 2 and c.counts() == ({}, 2)
    out = c.export(tmp_path / "failed.csv", unreached="Not scored: no labels")
    assert "Not scored: no labels" in out.read_text(encoding="utf-8-sig")


def test_odd_encodings_are_read_and_named(tmp_path: Path) -> None:
    c = SentimentController(lambda: None)
    seen = Recorder(c)
    texts = ["这部手机很好用，我很喜欢。", "服务太差了，再也不来了。"]
    body = "text,lang\n" + "".join(f"{t},zh\n" for t in texts)
    for name, data, codec in (
        ("utf16.csv", body.encode("utf-16"), "utf-16"),
        ("gbk.csv", body.encode("gb18030"), "gb18030"),
        ("cp1252.csv", "text\nCafé crème très bien\n".encode("cp1252"), "cp1252"),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        load(c, seen, path)
        assert c.table is not None and c.table.encoding == codec, (name, c.table)
        if codec != "cp1252":
            assert c.table.texts == texts
        else:
            assert c.table.texts == ["Café crème très bien"]
    # a header that is not there: the same file again, the first row is a text
    mark = seen.mark()
    assert c.reread(has_header=False)
    seen.wait_for(TableLoaded, mark)
    assert not c.has_header and c.table is not None
    assert c.table.texts == ["text", "Café crème très bien"]
