"""Several models behind one server (issue 18): JIT loads, room made by unloading the least
recently used idle model, TTL unloads, unknown names, busy places. Real engines, real GGUF files
(the starter model under two more names)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from desktop_app.core.engine.params import LoadParams
from desktop_app.server.errors import ApiError
from desktop_app.server.model_pool import ModelPool, model_id_of


@pytest.fixture(scope="module")
def folder(starter_model: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("pool-models")
    found = {}
    for name in ("second", "third"):
        path = root / f"{name}.gguf"
        os.link(starter_model, path) if _same_fs(starter_model, root) else path.symlink_to(
            starter_model
        )
        found[name] = path
    return found


def _same_fs(a: Path, b: Path) -> bool:
    return os.stat(a).st_dev == os.stat(b).st_dev


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make(starter_model: Path, folder: dict[str, Path], **kw: object) -> tuple[ModelPool, list[str]]:
    said: list[str] = []
    params = LoadParams(model_path=str(starter_model), n_ctx=256)
    pool = ModelPool(params, lambda: dict(folder), notify=said.append, **kw)  # type: ignore[arg-type]
    return pool, said


def test_a_request_naming_another_model_loads_it_in_place_of_the_idle_one(
    starter_model: Path, folder: dict[str, Path]
) -> None:
    async def scenario() -> None:
        pool, said = make(starter_model, folder)
        try:
            first = await pool.acquire(None)
            assert first.model_id == model_id_of(starter_model) and first.ready
            pool.release(first)
            second = await pool.acquire("second")
            assert second.ready and second.info is not None and second.info.n_ctx == 256
            assert pool.loaded_ids() == ["second"]
            assert not first.engine.alive  # unloaded: its process is gone
            assert any("Unloaded" in s and "to make room" in s for s in said), said
            ids = second.engine.tokenize("Hello", False, False).result(60)
            assert ids  # the new model answers
            pool.release(second)
        finally:
            await pool.close()

    asyncio.run(scenario())


def test_least_recently_used_goes_first_and_busy_models_stay(
    starter_model: Path, folder: dict[str, Path]
) -> None:
    async def scenario() -> None:
        clock = Clock()
        pool, _ = make(starter_model, folder, max_models=2, clock=clock)
        try:
            a = await pool.acquire(None)
            pool.release(a)
            clock.now += 1
            b = await pool.acquire("second")
            pool.release(b)
            clock.now += 1
            again = await pool.acquire(None)  # the primary is now the most recent
            pool.release(again)
            c = await pool.acquire("third")
            assert sorted(pool.loaded_ids()) == sorted([model_id_of(starter_model), "third"])
            # every place busy: a fourth name cannot be loaded, and says why
            held = await pool.acquire(None)
            with pytest.raises(ApiError) as caught:
                await pool.acquire("second")
            assert caught.value.status == 503 and caught.value.code == "models_busy"
            assert "--max-models 2" in caught.value.message
            pool.release(held)
            pool.release(c)
        finally:
            await pool.close()

    asyncio.run(scenario())


def test_ttl_unloads_idle_models_and_the_next_request_loads_again(
    starter_model: Path, folder: dict[str, Path]
) -> None:
    async def scenario() -> None:
        clock = Clock()
        pool, said = make(starter_model, folder, ttl_s=30.0, clock=clock)
        try:
            slot = await pool.acquire("second")
            clock.now += 100
            assert await pool.reap() == []  # in use: kept, however long
            pool.release(slot)
            clock.now += 29
            assert await pool.reap() == []
            clock.now += 2
            assert await pool.reap() == ["second"]
            assert pool.loaded_ids() == [] and not slot.engine.alive
            assert any("idle for 30 s" in s for s in said)
            back = await pool.acquire("second")
            assert back.ready and back is not slot
            pool.release(back)
        finally:
            await pool.close()

    asyncio.run(scenario())


def test_unknown_names_get_404_with_the_list_and_two_waiters_share_one_load(
    starter_model: Path, folder: dict[str, Path]
) -> None:
    async def scenario() -> None:
        pool, _ = make(starter_model, folder, max_models=2)
        try:
            with pytest.raises(ApiError) as caught:
                await pool.acquire("no-such-model")
            assert caught.value.status == 404 and caught.value.code == "model_not_found"
            assert "second" in caught.value.message and "third" in caught.value.message
            one, two = await asyncio.gather(pool.acquire("second"), pool.acquire("second"))
            assert one is two and one.busy == 2
            pool.release(one)
            pool.release(two)
        finally:
            await pool.close()

    asyncio.run(scenario())


def test_bad_limits_are_refused() -> None:
    params = LoadParams(model_path="x.gguf")
    with pytest.raises(ValueError, match="--max-models"):
        ModelPool(params, dict, max_models=0)
    with pytest.raises(ValueError, match="--ttl"):
        ModelPool(params, dict, ttl_s=0)
