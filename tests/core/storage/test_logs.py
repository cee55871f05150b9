from __future__ import annotations

import logging
import logging.handlers
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.storage.logs import LOGGER_NAME, setup_logging, tail_lines


@pytest.fixture
def clean_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger(LOGGER_NAME)
    before = list(logger.handlers)
    level = logger.level
    yield logger
    for h in list(logger.handlers):
        if h not in before:
            logger.removeHandler(h)
            h.close()
    logger.setLevel(level)


def _file_handlers(logger: logging.Logger) -> list[logging.handlers.RotatingFileHandler]:
    return [h for h in logger.handlers if isinstance(h, logging.handlers.RotatingFileHandler)]


def test_setup_logging_is_idempotent(tmp_path: Path, clean_logger: logging.Logger) -> None:
    path = setup_logging(tmp_path / "logs")
    assert path == tmp_path / "logs" / "hearth.log"
    assert setup_logging(tmp_path / "logs", logging.DEBUG) == path
    handlers = _file_handlers(clean_logger)
    assert len(handlers) == 1
    h = handlers[0]
    assert h.maxBytes == 1024 * 1024
    assert h.backupCount == 5
    assert h.encoding == "utf-8"
    assert clean_logger.level == logging.DEBUG

    logging.getLogger(LOGGER_NAME + ".engine").info("hello ✓")
    h.flush()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    assert lines[0].endswith("hello ✓")


def test_setup_logging_moves_to_new_dir(tmp_path: Path, clean_logger: logging.Logger) -> None:
    setup_logging(tmp_path / "a")
    new = setup_logging(tmp_path / "b")
    handlers = _file_handlers(clean_logger)
    assert len(handlers) == 1
    assert Path(handlers[0].baseFilename) == new


def test_tail_lines_big_file(tmp_path: Path) -> None:
    path = tmp_path / "big.log"
    with open(path, "w", encoding="utf-8") as f:
        for i in range(200_000):
            f.write(f"line {i}\n")
    assert tail_lines(path, 3) == ["line 199997", "line 199998", "line 199999"]
    assert tail_lines(path) == [f"line {i}" for i in range(199_960, 200_000)]


def test_tail_lines_invalid_utf8_and_no_trailing_newline(tmp_path: Path) -> None:
    path = tmp_path / "crash.log"
    path.write_bytes(
        b"start\n" + b"\xff\xfe\x00garbage\x80\r\n" + b"caf\xc3\xa9\nGGML_ASSERT failed"
    )
    lines = tail_lines(path, 3)
    assert lines[0] == "\ufffd\ufffd\x00garbage\ufffd"
    assert lines[1:] == ["café", "GGML_ASSERT failed"]


def test_tail_lines_small_missing_and_empty(tmp_path: Path) -> None:
    path = tmp_path / "small.log"
    path.write_text("a\nb\n", encoding="utf-8")
    assert tail_lines(path, 40) == ["a", "b"]
    assert tail_lines(path, 0) == []
    assert tail_lines(tmp_path / "missing.log") == []
    (tmp_path / "empty.log").write_bytes(b"")
    assert tail_lines(tmp_path / "empty.log") == []


def test_tail_lines_caps_bytes_read(tmp_path: Path) -> None:
    path = tmp_path / "one-long-line.log"
    path.write_bytes(b"x" * 500_000)
    lines = tail_lines(path, 5, max_bytes=1000)
    assert lines == ["x" * 1000]
