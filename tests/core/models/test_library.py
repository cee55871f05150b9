"""The model library with real GGUF files: the starter model, tiny generated ones, shards and
broken files; import (copy, in place, cancel, refusals), delete, default model, header cache."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import namedtuple
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from gguf import GGUFWriter
from gguf_factory import write_not_gguf, write_tiny_llama, write_truncated

from desktop_app.core.errors import ModelNotFoundError, NotGGUFError, TruncatedModelError
from desktop_app.core.models import header_cache, model_files
from desktop_app.core.models.library import (
    AmbiguousModelError,
    DiskFullError,
    HeaderCache,
    ImportCancelledError,
    ImportRefusedError,
    LibraryError,
    LocalModel,
    ModelLibrary,
    format_size,
    reveal_command,
)
from desktop_app.core.models.shards import (
    check_continuation_shard,
    parse_shard_name,
    shard_file_names,
)
from desktop_app.core.models.starter import STARTER_FILE
from desktop_app.core.storage.paths import AppPaths, app_paths
from desktop_app.core.storage.settings import Settings

STARTER_SIZE = 98_362_432
STARTER_PARAMS = 134_515_008


# --------------------------------------------------------------------------- helpers


def make_library() -> ModelLibrary:
    paths = app_paths()
    return ModelLibrary(Settings.load(paths.settings_file), paths=paths)


@pytest.fixture
def lib() -> ModelLibrary:
    library = make_library()
    library.models_dir.mkdir(parents=True, exist_ok=True)
    return library


def place(src: Path, dest: Path) -> Path:
    """Put a big file into a folder without copying its bytes where the filesystem allows."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        os.symlink(src, dest)
    return dest


def write_sharded(folder: Path, base: str, n_tensors: int = 6, per_shard: int = 2) -> list[Path]:
    """A small valid model split like llama.cpp's gguf-split: metadata only in the first file."""
    folder.mkdir(parents=True, exist_ok=True)
    w = GGUFWriter(folder / f"{base}.gguf", "llama", split_max_tensors=per_shard)
    w.add_name("Sharded Test")
    w.add_block_count(2)
    w.add_context_length(512)
    w.add_embedding_length(32)
    w.add_head_count(4)
    w.add_head_count_kv(2)
    for i in range(n_tensors):
        w.add_tensor(f"t{i}", np.zeros((4, 32), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    count = -(-n_tensors // per_shard)
    files = [folder / n for n in shard_file_names(base, count)]
    assert all(f.is_file() for f in files)
    return files


def tiny(path: Path, **kwargs: object) -> Path:
    """A tiny valid model at `path`, its folder created."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_tiny_llama(path, **kwargs)  # type: ignore[arg-type]


def hidden_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".*"))


# --------------------------------------------------------------------------- listing


def test_real_starter_model_facts_from_its_header(lib: ModelLibrary, starter_model: Path) -> None:
    place(starter_model, lib.models_dir / STARTER_FILE)
    listing = lib.list_models()
    assert listing.problems == ()
    (m,) = listing.models
    assert m.ok and m.error == ""
    assert m.name == "SmolLM2-135M-Instruct.Q4_1"
    assert m.path == lib.models_dir / STARTER_FILE
    assert m.source == "models"
    assert m.architecture == "llama"
    assert m.n_params == STARTER_PARAMS
    assert m.params_label == "135M"
    assert m.quantization == "Q4_1"
    assert m.size == STARTER_SIZE
    assert m.context_length == 8192
    assert m.license == "apache-2.0"
    assert m.has_chat_template
    assert m.languages == ("en",)
    assert m.is_starter and not m.is_sharded and not m.is_projector
    assert format_size(m.size) == "98.4 MB"


def test_generated_models_in_subfolders_with_metadata(lib: ModelLibrary) -> None:
    tiny(
        lib.models_dir / "org" / "repo" / "tiny-zh.gguf",
        chat_template=None,
        license=None,
        extra_metadata={"general.languages": ["zh", "en"], "general.parameter_count": 123456},
    )
    tiny(lib.models_dir / "tiny-plain.gguf", name=None, chat_template="{{ x }}")
    by_name = {m.name: m for m in lib.list_models()}
    zh, plain = by_name["tiny-zh"], by_name["tiny-plain"]
    assert zh.ok and zh.languages == ("zh", "en")
    assert zh.n_params == 123456  # general.parameter_count wins over the tensor count
    assert zh.license is None and not zh.has_chat_template
    assert zh.display_name == "Tiny Test Llama"
    assert zh.quantization == "F32" and zh.context_length == 256
    assert plain.has_chat_template and plain.display_name == "tiny-plain"
    assert plain.n_params > 0 and plain.n_params != 123456


def test_broken_files_are_listed_with_their_errors(lib: ModelLibrary, tmp_path: Path) -> None:
    good = tiny(tmp_path / "good.gguf")
    write_truncated(good, lib.models_dir / "cut.gguf", 0.5)
    write_not_gguf(lib.models_dir / "page.gguf", "html")
    (lib.models_dir / "empty.gguf").write_bytes(b"")
    (lib.models_dir / "notes.txt").write_text("not a model")  # not *.gguf: ignored
    shutil.copy(good, lib.models_dir / ".partial-download.gguf")  # hidden: ignored
    shutil.copy(good, lib.models_dir / "good.gguf")

    listing = lib.list_models()
    by_name = {m.name: m for m in listing}
    assert sorted(by_name) == ["cut", "empty", "good", "page"]
    assert by_name["good"].ok
    assert by_name["cut"].error_kind == "truncated_model" and "truncated" in by_name["cut"].error
    assert by_name["page"].error_kind == "not_gguf" and "web page" in by_name["page"].error
    assert by_name["empty"].error_kind == "truncated_model" and "empty" in by_name["empty"].error
    for name in ("cut", "page", "empty"):
        m = by_name[name]
        assert not m.ok and m.header is None and m.architecture is None
        assert m.files == (lib.models_dir / f"{name}.gguf",)


def test_sharded_set_is_one_model_with_the_total_size(lib: ModelLibrary) -> None:
    files = write_sharded(lib.models_dir, "big-model-Q4_K_M", n_tensors=6, per_shard=2)
    (m,) = lib.list_models().models
    assert m.ok, m.error
    assert m.name == "big-model-Q4_K_M"
    assert m.files == tuple(files) and m.path == files[0]
    assert m.size == sum(f.stat().st_size for f in files)
    assert m.n_params == 6 * 4 * 32  # all shards' tensors, not only the first file's
    assert m.is_sharded and m.header is not None and m.header.split_count == 3
    assert m.display_name == "Sharded Test"


def test_incomplete_or_damaged_shard_sets_are_listed_with_the_reason(
    lib: ModelLibrary, tmp_path: Path
) -> None:
    files = write_sharded(lib.models_dir / "a", "setA", n_tensors=6, per_shard=2)
    files[1].unlink()
    b = write_sharded(lib.models_dir / "b", "setB", n_tensors=6, per_shard=2)
    write_truncated(b[2], tmp_path / "cut", 0.6)
    os.replace(tmp_path / "cut", b[2])

    by_name = {m.name: m for m in lib.list_models()}
    a = by_name["setA"]
    assert a.error_kind == "missing_shards" and "setA-00002-of-00003.gguf" in a.error
    assert a.files == (files[0], files[2])
    bm = by_name["setB"]
    assert bm.error.startswith("Shard 3 of 3") and bm.error_kind == "truncated_model"


def test_continuation_shard_checks(tmp_path: Path) -> None:
    files = write_sharded(tmp_path, "m")
    facts = check_continuation_shard(files[1])
    assert facts.n_params == 2 * 4 * 32 and facts.split_no == 1
    write_not_gguf(tmp_path / "x.gguf", "text")
    with pytest.raises(NotGGUFError):
        check_continuation_shard(tmp_path / "x.gguf")
    assert parse_shard_name("Model-Q8_0-00002-of-00005.gguf") == (
        parse_shard_name("Model-Q8_0-00002-of-00005.gguf")
    )
    shard = parse_shard_name("Model-Q8_0-00002-of-00005.gguf")
    assert shard is not None and (shard.base, shard.index, shard.count) == ("Model-Q8_0", 2, 5)
    assert parse_shard_name("model-00006-of-00005.gguf") is None
    assert parse_shard_name("model.gguf") is None


# --------------------------------------------------------------------------- cache


def test_headers_are_cached_by_path_size_and_mtime(
    lib: ModelLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(3):
        tiny(lib.models_dir / f"m{i}.gguf", seed=i)
    calls: list[Path] = []
    real = header_cache.inspect_gguf

    def counting(path: str | os.PathLike[str]):  # type: ignore[no-untyped-def]
        calls.append(Path(path))
        return real(path)

    monkeypatch.setattr(header_cache, "inspect_gguf", counting)
    assert len(lib.list_models()) == 3
    assert len(calls) == 3 and lib.cache.reads == 3

    assert len(lib.list_models()) == 3
    assert len(calls) == 3, "unchanged files must not be read again"

    changed = lib.models_dir / "m1.gguf"
    tiny(changed, seed=9, name="Changed")
    st = changed.stat()
    os.utime(changed, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    by_name = {m.name: m for m in lib.list_models()}
    assert calls[3:] == [changed]
    assert by_name["m1"].display_name == "Changed"

    # a new process (a new library) reads the cache file instead of the headers
    fresh = make_library()
    assert len(fresh.list_models()) == 3
    assert len(calls) == 4 and fresh.cache.reads == 0


def test_a_damaged_cache_file_is_ignored(lib: ModelLibrary) -> None:
    tiny(lib.models_dir / "m.gguf")
    lib.list_models()
    assert lib.cache.path is not None and lib.cache.path.is_file()
    lib.cache.path.write_text("{not json")
    fresh = make_library()
    (m,) = fresh.list_models().models
    assert m.ok and fresh.cache.reads == 1
    json.loads(lib.cache.path.read_text())  # rewritten whole


def test_cache_without_a_file_still_works(tmp_path: Path) -> None:
    cache = HeaderCache(None)
    p = tiny(tmp_path / "m.gguf")
    assert cache.lookup(p).header is not None
    assert cache.lookup(p).header is not None and cache.reads == 1
    cache.save()  # nothing to write: no error


# --------------------------------------------------------------------------- extra folders


def test_extra_folders_are_scanned_and_a_missing_one_is_reported(
    lib: ModelLibrary, tmp_path: Path
) -> None:
    extra = tmp_path / "more-models"
    tiny(extra / "extra-model.gguf")
    lib.add_extra_dir(extra)
    assert Settings.load(app_paths().settings_file).get("models.extra_dirs") == [str(extra)]
    (m,) = lib.list_models().models
    assert m.source == "extra" and m.root == extra and m.ok

    gone = tmp_path / "unplugged"
    lib.settings.set("models.extra_dirs", [str(extra), str(gone)])
    listing = lib.list_models()
    assert len(listing) == 1
    assert any("unplugged" in p for p in listing.problems)

    lib.remove_extra_dir(extra)
    assert lib.list_models().models == ()
    with pytest.raises(LibraryError, match="Not a folder"):
        lib.add_extra_dir(tmp_path / "nope")


# --------------------------------------------------------------------------- import


def test_import_copy_with_progress(lib: ModelLibrary, tmp_path: Path) -> None:
    src = tiny(tmp_path / "downloads" / "my-model.gguf")
    before = src.read_bytes()
    seen: list[tuple[int, int]] = []
    m = lib.import_file(src, progress=lambda d, t: seen.append((d, t)), chunk_size=64 * 1024)
    assert m.ok and m.source == "models" and m.path == lib.models_dir / "my-model.gguf"
    assert m.path.read_bytes() == before and src.read_bytes() == before
    total = len(before)
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert len(seen) > 2 and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert hidden_files(lib.models_dir) == []
    assert [x.name for x in lib.list_models()] == ["my-model"]
    # importing the same file again from the models folder is a no-op, not a clash
    assert lib.import_file(m.path).path == m.path


def test_import_copy_of_a_sharded_set_from_any_part(lib: ModelLibrary, tmp_path: Path) -> None:
    files = write_sharded(tmp_path / "dl", "split-model")
    m = lib.import_file(files[1])
    assert m.ok, m.error
    assert [f.name for f in m.files] == [f.name for f in files]
    assert all((lib.models_dir / f.name).read_bytes() == f.read_bytes() for f in files)


@pytest.mark.parametrize("kind", ["html", "zip", "text"])
def test_import_refuses_a_non_gguf_file(lib: ModelLibrary, tmp_path: Path, kind: str) -> None:
    bad = write_not_gguf(tmp_path / "model.gguf", kind)
    with pytest.raises(NotGGUFError, match="not a GGUF model file"):
        lib.import_file(bad)
    assert list(lib.models_dir.iterdir()) == []


def test_import_refuses_a_truncated_file_and_a_missing_one(
    lib: ModelLibrary, tmp_path: Path
) -> None:
    good = tiny(tmp_path / "good.gguf")
    cut = write_truncated(good, tmp_path / "cut.gguf", 0.7)
    with pytest.raises(TruncatedModelError, match="truncated"):
        lib.import_file(cut)
    with pytest.raises(TruncatedModelError):
        lib.import_file(cut, mode="in_place")
    with pytest.raises(ModelNotFoundError):
        lib.import_file(tmp_path / "absent.gguf")
    assert list(lib.models_dir.iterdir()) == []
    assert not lib.registry_path.exists()


def test_import_refuses_a_name_clash_and_an_incomplete_set(
    lib: ModelLibrary, tmp_path: Path
) -> None:
    tiny(lib.models_dir / "same.gguf", seed=1)
    original = (lib.models_dir / "same.gguf").read_bytes()
    other = tiny(tmp_path / "same.gguf", seed=2)
    with pytest.raises(ImportRefusedError, match="already in the models folder"):
        lib.import_file(other)
    assert (lib.models_dir / "same.gguf").read_bytes() == original

    files = write_sharded(tmp_path / "dl", "partial")
    files[2].unlink()
    with pytest.raises(ImportRefusedError, match="split into 3 files"):
        lib.import_file(files[0])


def test_import_cancel_leaves_nothing(lib: ModelLibrary, tmp_path: Path) -> None:
    src = tiny(tmp_path / "big.gguf", vocab=4000)
    calls = 0

    def cancel() -> bool:
        return calls >= 2

    def progress(done: int, total: int) -> None:
        nonlocal calls
        calls += 1

    with pytest.raises(ImportCancelledError, match="nothing was added"):
        lib.import_file(src, progress=progress, cancel=cancel, chunk_size=64 * 1024)
    assert list(lib.models_dir.iterdir()) == []
    assert src.is_file()


def test_import_checks_free_disk_space_first(
    lib: ModelLibrary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tiny(tmp_path / "m.gguf")
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(model_files.shutil, "disk_usage", lambda p: usage(10**9, 10**9, 1000))
    with pytest.raises(DiskFullError, match="Not enough free disk space"):
        lib.import_file(src)
    assert list(lib.models_dir.iterdir()) == []


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 4 MiB file system (tmpfs), where this machine lets the tests mount one."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if not sys.platform.startswith("linux"):
        pytest.skip("needs Linux tmpfs")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_import_onto_a_real_small_disk(
    small_disk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = AppPaths.under(small_disk)
    lib = ModelLibrary(Settings(paths.settings_file), paths=paths, cache=HeaderCache(None))
    src = tiny(tmp_path / "m.gguf", vocab=4000)  # about 2 MB
    big = tiny(tmp_path / "big.gguf", vocab=9000)  # more than the disk holds
    with pytest.raises(DiskFullError, match="Not enough free disk space"):
        lib.import_file(big)
    assert not lib.models_dir.exists() or list(lib.models_dir.iterdir()) == []

    # the space runs out during the copy (another program fills the disk): ENOSPC
    monkeypatch.setattr(model_files, "DISK_MARGIN", 0)
    ballast = small_disk / "ballast"

    def fill(done: int, total: int) -> None:
        if done == 0:
            free = shutil.disk_usage(small_disk).free
            ballast.write_bytes(b"x" * (free - total // 2))

    with pytest.raises(DiskFullError, match="filled up"):
        lib.import_file(src, progress=fill, chunk_size=64 * 1024)
    assert list(lib.models_dir.iterdir()) == []  # the partial copy is gone


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file size limit")
def test_import_onto_a_file_system_with_a_file_size_limit(
    lib: ModelLibrary, tmp_path: Path
) -> None:
    """What FAT32 does to a file over 4 GB (EFBIG), shown with a process file-size limit."""
    import resource
    import signal

    src = tiny(tmp_path / "m.gguf", vocab=4000)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (512 * 1024, hard))
    try:
        with pytest.raises(DiskFullError, match="too large for the file system"):
            lib.import_file(src, chunk_size=64 * 1024)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old_handler)
    assert list(lib.models_dir.iterdir()) == []


def test_import_in_place_keeps_the_file_where_it_is(
    lib: ModelLibrary, starter_model: Path, tmp_path: Path
) -> None:
    m = lib.import_file(starter_model, mode="in_place")
    assert m.source == "imported" and m.path == starter_model.absolute()
    assert m.ok and m.n_params == STARTER_PARAMS
    assert list(lib.models_dir.iterdir()) == []
    registry = json.loads(lib.registry_path.read_text())
    assert registry["files"] == [{"path": str(starter_model.absolute())}]
    lib.import_file(starter_model, mode="in_place")  # twice: recorded once
    assert len(json.loads(lib.registry_path.read_text())["files"]) == 1

    (listed,) = lib.list_models().models
    assert listed.source == "imported" and listed.size == STARTER_SIZE

    lib.forget(listed)
    assert lib.list_models().models == ()
    assert starter_model.is_file()

    # a file already in the models folder is not recorded
    inside = tiny(lib.models_dir / "inside.gguf")
    assert lib.import_file(inside, mode="in_place").source == "models"
    assert json.loads(lib.registry_path.read_text())["files"] == []
    with pytest.raises(LibraryError, match="not imported in place"):
        lib.forget(lib.find("inside"))


def test_a_vanished_in_place_file_is_listed_with_an_error(
    lib: ModelLibrary, tmp_path: Path
) -> None:
    src = tiny(tmp_path / "elsewhere" / "away.gguf")
    lib.import_file(src, mode="in_place")
    src.unlink()
    (m,) = lib.list_models().models
    assert not m.ok and "not found" in m.error.lower() and m.source == "imported"
    assert lib.delete(m) == []  # nothing to remove; the entry goes
    assert lib.list_models().models == ()


def test_an_unreadable_registry_is_kept_and_reported(lib: ModelLibrary, tmp_path: Path) -> None:
    lib.registry_path.parent.mkdir(parents=True, exist_ok=True)
    lib.registry_path.write_text("{broken")
    listing = lib.list_models()
    assert any("could not be read" in p for p in listing.problems)
    src = tiny(tmp_path / "x.gguf")
    lib.import_file(src, mode="in_place")
    kept = list(lib.registry_path.parent.glob("imported_models.json.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_text() == "{broken"
    assert [m.name for m in lib.list_models()] == ["x"]


# --------------------------------------------------------------------------- delete / default


def test_delete_removes_every_shard_and_empty_folders(lib: ModelLibrary) -> None:
    folder = lib.models_dir / "owner" / "repo"
    files = write_sharded(folder, "sharded")
    keep = tiny(lib.models_dir / "keep.gguf")
    m = lib.find("sharded")
    removed = lib.delete(m)
    assert sorted(removed) == sorted(files)
    assert not any(f.exists() for f in files)
    assert not (lib.models_dir / "owner").exists()
    assert keep.is_file() and [x.name for x in lib.list_models()] == ["keep"]


def test_default_model_round_trip_and_cleared_on_delete(
    lib: ModelLibrary, starter_model: Path
) -> None:
    assert lib.default_model() is None
    place(starter_model, lib.models_dir / STARTER_FILE)
    small = tiny(lib.models_dir / "tiny.gguf")
    lib.set_default(lib.find("tiny"))
    assert Settings.load(app_paths().settings_file).get("default_model") == str(small)
    default = make_library().default_model()
    assert isinstance(default, LocalModel) and default.path == small

    lib.settings.set("default_model", "starter")  # what resolve_model also accepts
    assert (d := lib.default_model()) is not None and d.is_starter
    assert lib.is_default(d)

    lib.set_default(lib.find("tiny"))
    lib.delete(lib.find("tiny"))
    assert lib.default_model() is None
    assert Settings.load(app_paths().settings_file).get("default_model") is None


def test_a_name_as_default_and_a_dangling_link(lib: ModelLibrary, tmp_path: Path) -> None:
    tiny(lib.models_dir / "named.gguf")
    lib.settings.set("default_model", "named")  # a name, as resolve_model accepts it
    d = lib.default_model()
    assert d is not None and d.name == "named" and lib.is_default(d)

    target = tiny(tmp_path / "gone.gguf")
    link = lib.models_dir / "dangling.gguf"
    os.symlink(target, link)
    target.unlink()
    m = lib.find("dangling")
    assert not m.ok and m.files == (link,)
    assert lib.delete(m) == [link] and not os.path.lexists(link)


def test_find_by_name_path_and_part(lib: ModelLibrary) -> None:
    a = tiny(lib.models_dir / "Qwen2.5-7B-Instruct-Q4_K_M.gguf")
    tiny(lib.models_dir / "Qwen2.5-7B-Instruct-Q8_0.gguf")
    assert lib.find("qwen2.5-7b-instruct-q4_k_m").path == a
    assert lib.find("Qwen2.5-7B-Instruct-Q4_K_M.gguf").path == a
    assert lib.find(str(a)).path == a
    assert lib.find("q4_k_m").path == a
    with pytest.raises(AmbiguousModelError, match="matches 2 models"):
        lib.find("qwen2.5")
    with pytest.raises(ModelNotFoundError, match="No installed model"):
        lib.find("llama")


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("linux", ["xdg-open", "{folder}"]),
        ("darwin", ["open", "-R", "{file}"]),
        ("win32", ["explorer", "/select,{file}"]),
    ],
)
def test_reveal_command_per_platform(tmp_path: Path, platform: str, expected: list[str]) -> None:
    f = tmp_path / "m.gguf"
    f.write_bytes(b"")
    got = reveal_command(f, platform=platform)
    assert got == [x.format(folder=tmp_path, file=f) for x in expected]
