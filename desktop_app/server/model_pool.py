"""Several models behind one server: loaded when a request names them, unloaded when idle.

A request naming a model in the models folder that is not loaded loads it (just in time, as
llama-swap and LM Studio do); with `--max-models N` resident, the least recently used idle one
is unloaded first, and with `--ttl SECONDS` any model idle that long is unloaded. Each model has
its own engine process (a Llama object is not thread-safe, and a crash takes one model down,
not the server). A name that is neither loaded nor in the folder is a 404 that lists what is.

Everything here runs on the server's event loop; the blocking parts (loading, closing an
engine) go to the loop's executor. `EngineClient.start` stays on the loop's thread: there the
child is spawned while SIGINT is ignored, so Ctrl+C in the terminal reaches only the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import ModelInfo
from desktop_app.core.engine.params import LoadParams
from desktop_app.core.errors import AppError
from desktop_app.server.errors import ApiError, from_app_error

__all__ = ["ModelPool", "Slot", "model_id_of"]

Finder = Callable[[], dict[str, Path]]  # the models folder: id -> file


def model_id_of(path: str | Path) -> str:
    """The id clients use: the file name without .gguf (as /v1/models lists it)."""
    return Path(path).name.removesuffix(".gguf")


@dataclass(eq=False)
class Slot:
    """One resident model: its engine, what the load reported, and how it is being used."""

    model_id: str
    params: LoadParams
    engine: EngineClient
    info: ModelInfo | None = None
    busy: int = 0  # requests using it now: it is never unloaded under them
    last_used: float = 0.0
    loaded: asyncio.Future[ModelInfo] | None = field(default=None, repr=False)

    @property
    def ready(self) -> bool:
        return self.info is not None and self.engine.alive


class ModelPool:
    """The resident models, at most `max_models`, and the rule for loading and unloading them."""

    def __init__(
        self,
        primary: LoadParams,
        find: Finder,
        *,
        max_models: int = 1,
        ttl_s: float | None = None,
        log_dir: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
        notify: Callable[[str], None] = print,
    ) -> None:
        if max_models < 1:
            raise ValueError("--max-models must be 1 or more")
        if ttl_s is not None and ttl_s <= 0:
            raise ValueError("--ttl must be more than 0 seconds")
        self.primary = primary
        self.primary_id = model_id_of(primary.model_path)
        self.max_models = max_models
        self.ttl_s = ttl_s
        self._find = find
        self._log_dir = log_dir
        self._clock = clock
        self._notify = notify
        self.slots: dict[str, Slot] = {}
        self.unloaded = 0  # models unloaded (for room or idle), for /health

    # ---- what exists ------------------------------------------------------------------------

    def available(self) -> dict[str, Path]:
        """Every model a request may name: the one the server started with, and the folder's."""
        found = dict(self._find())
        found[self.primary_id] = Path(self.primary.model_path)
        return found

    def loaded_ids(self) -> list[str]:
        return [s.model_id for s in self.slots.values() if s.ready]

    # ---- use --------------------------------------------------------------------------------

    async def acquire(self, model: str | None) -> Slot:
        """The named model's slot (None: the first resident, else the primary), loaded now if
        it is not; marked busy until `release`. ApiError 404 for an unknown name, 503 when every
        place is taken by a model in use."""
        wanted = self._resolve(model)
        slot = self.slots.get(wanted)
        if slot is None:
            slot = await self._load(wanted)
        elif slot.loaded is not None and not slot.loaded.done():
            slot.busy += 1  # held while it loads, so no one unloads it under this request
            try:
                await asyncio.shield(slot.loaded)
            except AppError as exc:
                raise from_app_error(exc) from None
            finally:
                slot.busy -= 1
        if not slot.engine.alive:  # it crashed since: a fresh engine, the same model
            self._forget(slot)
            await asyncio.get_running_loop().run_in_executor(None, slot.engine.close)
            slot = await self._load(wanted)
        slot.busy += 1
        slot.last_used = self._clock()
        return slot

    def adopt(self, engine: EngineClient, info: ModelInfo) -> Slot:
        """The model the server loaded at start (or reloaded after a crash), as the primary."""
        slot = self.slots.get(self.primary_id)
        if slot is None or slot.engine is not engine:
            slot = Slot(self.primary_id, self.primary, engine)
            self.slots[self.primary_id] = slot
        slot.info = info
        slot.last_used = self._clock()
        return slot

    def release(self, slot: Slot) -> None:
        slot.busy = max(0, slot.busy - 1)
        slot.last_used = self._clock()

    def acquire_check(self, model: str) -> None:
        """Raise the 404 `acquire` would raise for an unknown name (nothing is loaded)."""
        self._resolve(model)

    def _resolve(self, model: str | None) -> str:
        if model is None or model == "":
            if self.primary_id in self.slots or not self.slots:
                return self.primary_id
            return next(iter(self.slots))
        if model in self.slots:
            return model
        names = self.available()
        if model not in names:
            listing = ", ".join(sorted(names)[:20])
            raise ApiError(
                404,
                f"The model '{model}' does not exist; this server has: {listing}.",
                param="model",
                code="model_not_found",
            )
        return model

    # ---- loading and unloading --------------------------------------------------------------

    async def _load(self, model_id: str) -> Slot:
        await self._make_room()
        path = self.available()[model_id]
        params = (
            self.primary
            if model_id == self.primary_id
            else replace(self.primary, model_path=str(path))
        )
        slot = Slot(model_id, params, EngineClient(log_dir=self._log_dir))
        loop = asyncio.get_running_loop()
        slot.loaded = loop.create_future()
        self.slots[model_id] = slot
        slot.busy += 1
        try:
            slot.engine.start()
            handle = slot.engine.load(params)
            info = await loop.run_in_executor(None, handle.result)
            assert isinstance(info, ModelInfo)
        except BaseException as exc:
            self._forget(slot)
            await loop.run_in_executor(None, slot.engine.close)
            if isinstance(exc, AppError):
                slot.loaded.set_exception(exc)
                slot.loaded.exception()  # retrieved: waiters get it through their own await
                raise from_app_error(exc) from None
            slot.loaded.cancel()
            raise
        finally:
            slot.busy -= 1
        slot.info = info
        slot.loaded.set_result(info)
        if model_id != self.primary_id or self.unloaded:
            self._notify(f"Loaded {model_id} ({len(self.slots)} of {self.max_models} resident).")
        return slot

    async def _make_room(self) -> None:
        """Unload least recently used idle models until one more fits."""
        while len(self.slots) >= self.max_models:
            idle = [s for s in self.slots.values() if s.busy == 0 and s.ready]
            if not idle:
                raise ApiError(
                    503,
                    f"All {self.max_models} model places are in use (hearth serve --max-models "
                    f"{self.max_models}); retry when a request ends.",
                    "server_error",
                    code="models_busy",
                    headers={"Retry-After": "5"},
                )
            await self.unload(min(idle, key=lambda s: s.last_used), "to make room")

    async def unload(self, slot: Slot, why: str) -> None:
        self._forget(slot)
        self.unloaded += 1
        self._notify(f"Unloaded {slot.model_id} ({why}).")
        await asyncio.get_running_loop().run_in_executor(None, slot.engine.close)

    def _forget(self, slot: Slot) -> None:
        if self.slots.get(slot.model_id) is slot:
            del self.slots[slot.model_id]

    async def reap(self) -> list[str]:
        """Unload the models idle for longer than the TTL; their ids."""
        if self.ttl_s is None:
            return []
        now = self._clock()
        stale = [
            s
            for s in self.slots.values()
            if s.busy == 0 and s.ready and now - s.last_used >= self.ttl_s
        ]
        for slot in stale:
            await self.unload(slot, f"idle for {self.ttl_s:g} s")
        return [s.model_id for s in stale]

    async def run_reaper(self) -> None:
        """Forever: reap at a quarter of the TTL (at most every 5 s); cancel to stop."""
        if self.ttl_s is None:
            return
        while True:
            await asyncio.sleep(min(5.0, max(0.05, self.ttl_s / 4)))
            await self.reap()

    async def close(self) -> None:
        slots = list(self.slots.values())
        self.slots.clear()
        loop = asyncio.get_running_loop()
        for slot in slots:
            with contextlib.suppress(Exception):
                await loop.run_in_executor(None, slot.engine.close)
