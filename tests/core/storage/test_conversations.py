from __future__ import annotations

import dataclasses
import json
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.engine.events import Stats
from desktop_app.core.engine.params import SamplingParams
from desktop_app.core.storage import conversations as conv_mod
from desktop_app.core.storage.conversations import (
    DEFAULT_TITLE,
    SCHEMA_VERSION,
    ConversationStore,
    ConversationStoreError,
    title_from,
)
from desktop_app.core.storage.paths import AppPaths

ROOT = Path(__file__).resolve().parents[3]
HOSTILE = [
    '"',
    '""',
    '"unterminated',
    "*",
    "ocean*",
    "-",
    "-ocean",
    "OR",
    "ocean OR sand",
    "AND",
    "NOT ocean",
    "(",
    ")",
    "(ocean)",
    "NEAR(ocean sand)",
    "title:ocean",
    "^ocean",
    "{content}: ocean",
    "%",
    "_",
    "\\",
    "'; DROP TABLE messages; --",
    "a\x00b",
    "   ",
    "",
]


@pytest.fixture(params=[True, False], ids=["fts", "like"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ConversationStore]:
    """Every test runs twice: with FTS5 trigram search and with the forced LIKE fallback."""
    s = ConversationStore(tmp_path / "data" / "conversations.sqlite3", fts=request.param)
    assert s.uses_fts is request.param
    yield s
    s.close()


def _fts_ok(path: Path) -> None:
    """The external-content FTS index matches the tables exactly."""
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")
        conn.execute("INSERT INTO conversations_fts (conversations_fts) VALUES ('integrity-check')")
    conn.close()


def test_pragmas_and_schema_version(store: ConversationStore) -> None:
    conn = store._conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    # Seen from an independent connection too (WAL is a property of the file).
    with sqlite3.connect(store.path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert other.execute("PRAGMA user_version").fetchone()[0] == 3
    other.close()


def test_app_path_is_used(tmp_path: Path) -> None:
    path = AppPaths.current().conversations_db
    with ConversationStore(path) as s:
        s.create("x")
    assert path.is_file()
    assert str(path).startswith(str(tmp_path))  # the isolated HEARTH_HOME


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    ConversationStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(ConversationStoreError, match="newer version"):
        ConversationStore(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 99
    conn.close()


def test_check_constraints(store: ConversationStore) -> None:
    c = store.create()
    with pytest.raises(sqlite3.IntegrityError):
        store._conn.execute(
            "UPDATE conversations SET context_policy = 'nope' WHERE id = ?", (c.id,)
        )
    with pytest.raises(sqlite3.IntegrityError):
        store._conn.execute(
            "INSERT INTO messages (conversation_id, position, role, content, created_at)"
            " VALUES (?, 0, 'tool', 'x', 0)",
            (c.id,),
        )
    with pytest.raises(ValueError):
        store.append_message(c.id, "tool", "x")
    with pytest.raises(ValueError):
        store.create(context_policy="nope")


def test_create_list_get_rename_settings(store: ConversationStore) -> None:
    a = store.create()
    assert a.title == DEFAULT_TITLE
    assert a.sampling == {}
    assert a.context_policy == "drop_oldest"
    assert a.messages == []
    b = store.create(
        "Recipes",
        system_prompt="You are a chef.",
        sampling=SamplingParams(temperature=0.2, stop=("###",)).to_dict(),  # the plain record
        preset="precise",
        context_policy="stop",
        model="qwen.gguf",
    )
    got = store.get(b.id)
    assert got == b
    assert got.sampling["temperature"] == 0.2
    assert SamplingParams.from_dict(got.sampling) == SamplingParams(temperature=0.2, stop=("###",))
    assert (got.system_prompt, got.preset, got.context_policy, got.model) == (
        "You are a chef.",
        "precise",
        "stop",
        "qwen.gguf",
    )
    assert [s.id for s in store.list()] == [b.id, a.id]  # newest first

    store.append_message(a.id, "user", "hello")  # activity moves `a` to the top
    summaries = store.list()
    assert [s.id for s in summaries] == [a.id, b.id]
    assert (summaries[0].n_messages, summaries[0].preview) == (1, "hello")

    store.rename(b.id, "Cooking")
    store.update_settings(b.id, system_prompt="Be brief.", sampling={"top_k": 5}, model="m2")
    got = store.get(b.id)
    assert got.title == "Cooking"
    assert got.system_prompt == "Be brief."
    assert got.sampling == {"top_k": 5}
    assert got.preset == "precise"  # None left it alone
    assert got.context_policy == "stop"
    assert got.model == "m2"
    store.update_settings(b.id, context_policy="drop_oldest", preset="creative")
    got = store.get(b.id)
    assert (got.context_policy, got.preset) == ("drop_oldest", "creative")
    with pytest.raises(ValueError):
        store.update_settings(b.id, context_policy="sometimes")

    with pytest.raises(KeyError):
        store.get(12345)
    with pytest.raises(KeyError):
        store.rename(12345, "x")
    with pytest.raises(KeyError):
        store.append_message(12345, "user", "x")


def test_messages_stats_and_auto_title(store: ConversationStore) -> None:
    c = store.create()
    first = store.append_message(
        c.id, "user", "\n  What is the  capital of France and why is it Paris?\nmore"
    )
    stats = Stats(10, 10, 5, 0.1, 100.0, 20.0, 0.5, 42)
    reply = store.append_message(
        c.id, "assistant", "Paris.", finish_reason="stop", stats=dataclasses.asdict(stats)
    )
    store.append_message(c.id, "user", "Another question")
    got = store.get(c.id)
    assert got.title == title_from(first.content)
    assert got.title.startswith("What is the capital of France")
    assert len(got.title) <= 41 and got.title.endswith("…")
    assert [m.position for m in got.messages] == [0, 1, 2]
    assert [m.role for m in got.messages] == ["user", "assistant", "user"]
    assert got.messages[1] == reply
    assert reply.stats is not None and reply.stats["seed"] == 42
    assert reply.finish_reason == "stop"
    assert got.updated_at >= got.messages[-1].created_at >= got.created_at

    named = store.create("Mine")
    store.append_message(named.id, "user", "something else")
    assert store.get(named.id).title == "Mine"  # a chosen title is kept
    assert title_from("short") == "short"
    assert title_from("\n\n") == ""


def test_append_is_committed_at_once(store: ConversationStore) -> None:
    c = store.create()
    store.append_message(c.id, "user", "are you there?")
    # A second store and a raw connection on the same file see it while the first is open.
    with ConversationStore(store.path, fts=store.uses_fts) as other:
        assert [m.content for m in other.get(c.id).messages] == ["are you there?"]
    raw = sqlite3.connect(store.path)
    try:
        assert raw.execute("SELECT content FROM messages").fetchall() == [("are you there?",)]
    finally:
        raw.close()
    assert not store._conn.in_transaction


KILL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from desktop_app.core.storage.conversations import ConversationStore

    store = ConversationStore(sys.argv[1])
    conv = store.create()
    for i in range(5):
        store.append_message(conv.id, "user", f"question {i}")
        store.append_message(conv.id, "assistant", f"answer {i}")
    print(conv.id, flush=True)
    # Mid-way through a write: a transaction holds an unfinished message, then the process dies.
    conn = store._conn
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "INSERT INTO messages (conversation_id, position, role, content, created_at)"
        " VALUES (?, 10, 'assistant', 'half an answ', 0)",
        (conv.id,),
    )
    if hasattr(signal, "SIGKILL"):
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(1)
    """
)


def test_kill_mid_write_keeps_completed_messages(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    done = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode != 0, done.stderr
    conv_id = int(done.stdout.strip())
    with ConversationStore(path) as s:
        got = s.get(conv_id)
        assert [m.content for m in got.messages] == [
            f"{kind} {i}" for i in range(5) for kind in ("question", "answer")
        ]
        assert s._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [h.message_id for h in s.search("answer 4")] == [got.messages[-1].id]
        s.append_message(conv_id, "assistant", "the whole answer")  # position 10 is free
        assert s.get(conv_id).messages[-1].position == 10
    _fts_ok(path)


def test_soft_delete_restore_purge(store: ConversationStore) -> None:
    keep = store.create("keep ocean")
    gone = store.create("gone ocean")
    store.append_message(gone.id, "user", "the ocean is deep")
    store.delete(gone.id)
    assert [s.id for s in store.list()] == [keep.id]
    assert {s.id for s in store.list(include_deleted=True)} == {keep.id, gone.id}
    deleted = store.get(gone.id)  # still readable (undo, export)
    assert deleted.deleted_at is not None
    assert {h.conversation_id for h in store.search("ocean")} == {keep.id}
    assert store.search("deep") == []

    store.restore(gone.id)
    assert store.get(gone.id).deleted_at is None
    assert {s.id for s in store.list()} == {keep.id, gone.id}
    assert [h.message_id for h in store.search("deep")] == [deleted.messages[0].id]

    store.delete(gone.id)
    assert store.purge_deleted(older_than_s=3600) == 0  # too recent
    assert store.purge_deleted(older_than_s=0) == 1
    with pytest.raises(KeyError):
        store.get(gone.id)
    n_messages = store._conn.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
    assert n_messages == 0  # cascaded
    assert [s.id for s in store.list(include_deleted=True)] == [keep.id]
    if store.uses_fts:
        _fts_ok(store.path)


def _conversation(store: ConversationStore, turns: int = 3) -> int:
    c = store.create()
    for i in range(turns):
        store.append_message(c.id, "user", f"q{i}")
        store.append_message(c.id, "assistant", f"a{i}")
    return c.id


def test_truncate_from(store: ConversationStore) -> None:
    cid = _conversation(store)
    assert store.truncate_from(cid, 5) == 1  # Regenerate: drop the last answer
    assert [m.content for m in store.get(cid).messages] == ["q0", "a0", "q1", "a1", "q2"]
    assert store.truncate_from(cid, 2) == 3
    assert [m.content for m in store.get(cid).messages] == ["q0", "a0"]
    assert store.truncate_from(cid, 10) == 0
    assert store.append_message(cid, "user", "q1 again").position == 2
    with pytest.raises(KeyError):
        store.truncate_from(999, 0)


def test_edit_message_truncates_the_tail(store: ConversationStore) -> None:
    cid = _conversation(store)
    store.edit_message(cid, 2, "q1 edited with searchable words")
    got = store.get(cid)
    assert [m.content for m in got.messages] == ["q0", "a0", "q1 edited with searchable words"]
    assert [h.message_id for h in store.search("searchable")] == [got.messages[2].id]
    assert store.search("a2") == []
    with pytest.raises(ValueError, match="user"):
        store.edit_message(cid, 1, "not mine")
    with pytest.raises(KeyError):
        store.edit_message(cid, 7, "nothing there")
    assert len(store.get(cid).messages) == 3  # failed edits changed nothing
    if store.uses_fts:
        _fts_ok(store.path)


def test_edit_is_one_transaction(store: ConversationStore) -> None:
    """If deleting the tail fails, the edit is rolled back too."""
    cid = _conversation(store)
    store._conn.execute(
        "CREATE TRIGGER refuse BEFORE DELETE ON messages BEGIN SELECT RAISE(ABORT, 'no'); END"
    )
    with pytest.raises(sqlite3.IntegrityError):
        store.edit_message(cid, 2, "changed")
    assert [m.content for m in store.get(cid).messages][2:] == ["q1", "a1", "q2", "a2"]


def test_search_english_and_chinese(store: ConversationStore) -> None:
    zh = store.create()
    store.append_message(zh.id, "user", "我喜欢大海和沙滩")
    store.append_message(zh.id, "assistant", "海边的日落很美。")
    en = store.create("Holiday plans")
    store.append_message(en.id, "user", "We walked along the Ocean shore at sunset.")

    hits = store.search("大海")  # two characters: the LIKE path even with FTS
    assert [(h.conversation_id, h.message_id) for h in hits if h.message_id] == [
        (zh.id, store.get(zh.id).messages[0].id)
    ]
    assert any(h.message_id is None for h in hits)  # the auto title matches too
    assert "大海" in hits[-1].snippet
    assert [h.conversation_id for h in store.search("大海和沙滩")] == [zh.id, zh.id]
    assert [h.conversation_id for h in store.search("日落很美")] == [zh.id]
    assert store.search("大海 日落") == []  # every word must be in the same message

    ocean = store.search("ocean shore")  # case-insensitive, words in any place
    assert [(h.conversation_id, h.message_id is not None) for h in ocean] == [(en.id, True)]
    assert "Ocean shore" in ocean[0].snippet
    title_hits = store.search("holiday")
    assert [(h.conversation_id, h.message_id) for h in title_hits] == [(en.id, None)]
    assert store.search("sun") and store.search("at")  # short words
    assert store.search("nowhere to be found") == []
    assert len(store.search("a", limit=1)) == 1


def test_search_snippet_is_short_and_around_the_match(store: ConversationStore) -> None:
    c = store.create("t")
    text = "filler " * 60 + "the needle is here " + "tail " * 60
    store.append_message(c.id, "user", text)
    (hit,) = store.search("needle")
    assert "needle" in hit.snippet
    assert len(hit.snippet) <= conv_mod.SNIPPET_CHARS + 2
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")


@pytest.mark.parametrize("query", HOSTILE)
def test_search_hostile_queries(store: ConversationStore, query: str) -> None:
    c = store.create("ocean and sand")
    store.append_message(c.id, "user", 'Quotes " and stars * and (brackets) -dash OR 100% a_b \\')
    hits = store.search(query)
    assert isinstance(hits, list)


def test_search_special_characters_match_literally(store: ConversationStore) -> None:
    c = store.create("t")
    store.append_message(c.id, "user", 'say "hi" OR (maybe) -not 100% a_b C:\\dir *star*')
    other = store.create("u")
    store.append_message(other.id, "user", "plain text a-b 1000 percent")
    for query in ['"hi"', "OR (maybe)", "-not", "100%", "a_b", "C:\\dir", "*star*", "%", "_"]:
        assert {h.conversation_id for h in store.search(query)} == {c.id}, query


def test_fts_index_rebuilt_after_writes_without_it(tmp_path: Path) -> None:
    """Writes made while FTS was off (dropped triggers) are found once FTS is back."""
    path = tmp_path / "c.sqlite3"
    with ConversationStore(path) as s:
        c = s.create("first")
        s.append_message(c.id, "user", "written with the index")
    with ConversationStore(path, fts=False) as s:
        s.append_message(c.id, "user", "written without the index")
        s.rename(c.id, "renamed meanwhile")
    with ConversationStore(path) as s:
        assert s.uses_fts
        assert len(s.search("without")) == 1
        assert [h.message_id for h in s.search("renamed")] == [None]
        assert s.search("first") == []
    _fts_ok(path)


def test_fts_unavailable_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conv_mod.sqlite3, "sqlite_version_info", (3, 31, 1))
    assert not conv_mod.fts_available()
    with ConversationStore(tmp_path / "c.sqlite3") as s:
        assert not s.uses_fts
        c = s.create()
        s.append_message(c.id, "user", "我喜欢大海和沙滩")
        assert [h.conversation_id for h in s.search("大海和沙滩")] == [c.id, c.id]


def test_export_markdown(store: ConversationStore) -> None:
    c = store.create("Trip", system_prompt="You are a travel agent.", model="m.gguf")
    store.append_message(c.id, "user", "Where to?\n\n```\ncode stays\n```")
    store.append_message(c.id, "assistant", "**Lisbon**, then 里斯本.")
    md = store.export_markdown(c.id)
    assert md.startswith("# Trip\n")
    assert "## System prompt\n\nYou are a travel agent.\n" in md
    assert "## User\n\nWhere to?\n\n```\ncode stays\n```\n" in md
    assert "## Assistant\n\n**Lisbon**, then 里斯本.\n" in md
    assert md.index("## User") < md.index("## Assistant")


def test_export_import_json_round_trip(store: ConversationStore) -> None:
    c = store.create(
        "Round trip",
        system_prompt="sys",
        sampling={"temperature": 0.3, "stop": ["</s>"]},
        preset="p",
        context_policy="stop",
        model="m.gguf",
    )
    store.append_message(c.id, "system", "extra system note")
    store.append_message(c.id, "user", "hello 你好")
    store.append_message(
        c.id, "assistant", "hi", finish_reason="length", stats={"completion_tokens": 3}
    )
    data = store.export_json(c.id)
    assert data["format"] == "hearth.conversation" and data["version"] == 1
    assert json.loads(json.dumps(data)) == data  # plain JSON

    copy = store.import_json(json.loads(json.dumps(data)))
    assert copy.id != c.id
    again = store.export_json(copy.id)

    def strip(d: dict) -> dict:
        d = dict(d, id=None)
        d["messages"] = [dict(m, id=None) for m in d["messages"]]
        return d

    assert strip(again) == strip(data)
    assert [m.content for m in copy.messages] == ["extra system note", "hello 你好", "hi"]
    assert copy.messages[2].stats == {"completion_tokens": 3}
    assert sorted(h.conversation_id for h in store.search("你好")) == [c.id, copy.id]


def test_import_rejects_bad_data(store: ConversationStore) -> None:
    with pytest.raises(ValueError):
        store.import_json({"format": "something else", "version": 1})
    with pytest.raises(ValueError, match="version"):
        store.import_json({"format": "hearth.conversation", "version": 2})
    with pytest.raises(ValueError):
        store.import_json(
            {
                "format": "hearth.conversation",
                "version": 1,
                "messages": [{"role": "user", "content": "ok"}, {"role": "tool", "content": "x"}],
            }
        )
    assert store.list() == []  # nothing half-imported
    minimal = store.import_json(
        {
            "format": "hearth.conversation",
            "version": 1,
            "messages": [{"role": "user", "content": "x"}],
        }
    )
    assert minimal.title == DEFAULT_TITLE and minimal.context_policy == "drop_oldest"


def test_threads_share_one_store(store: ConversationStore) -> None:
    c = store.create()
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(10):
                store.append_message(c.id, "user", f"t{n}-{i}")
                store.search(f"t{n}-{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [m.position for m in store.get(c.id).messages] == list(range(40))
