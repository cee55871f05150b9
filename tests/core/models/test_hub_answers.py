"""A Hub address that answers, but not as the Hub does (a captive portal, a proxy's page, a wrong
server): the message says it was reached and what it answered, not a JSON decoder's words."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from desktop_app.core.models.hub import HubClient, HubConfig
from desktop_app.core.models.hub_errors import NetworkError

ANSWERS = {
    "/html": ("text/html; charset=utf-8", b"<!DOCTYPE html>\n<html><head><title>Wi-Fi login"),
    "/bad": ("application/json", b'{"models": [1, 2,'),
    "/none": ("", b""),
    "/shape": ("application/json", b'{"error": "Invalid credentials in Authorization header"}'),
}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        kind, body = ANSWERS[self.path.split("/api/", 1)[0]]
        self.send_response(200)
        if kind:
            self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def portal() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("where", "said"),
    [
        ("/html", "text/html beginning \u201c<!DOCTYPE html> <html><head><title>Wi-Fi login\u201d"),
        ("/bad", 'application/json beginning \u201c{"models": [1, 2,\u201d'),
        ("/none", "no Content-Type beginning \u201c\u201d"),
    ],
)
def test_an_answer_that_is_not_the_hubs_says_what_it_was(
    portal: str, where: str, said: str
) -> None:
    config = HubConfig(endpoint=portal + where, timeout=10)
    for call in (
        lambda: HubClient(config).search("x"),
        lambda: HubClient(config).repo_files("org/repo"),
    ):
        with pytest.raises(NetworkError) as caught:
            call()
        message = str(caught.value)
        assert message.startswith(f"The Hub at {portal + where} answered, but not as the Hub does")
        assert said in message
        assert "Expecting" not in message and "Cannot reach" not in message


def test_valid_json_of_the_wrong_shape_says_what_came_and_what_was_expected(portal: str) -> None:
    config = HubConfig(endpoint=portal + "/shape", timeout=10)
    with pytest.raises(NetworkError) as caught:
        HubClient(config).search("x")
    assert str(caught.value) == (
        f"The Hub at {portal}/shape answered with JSON, but not the Hub's: an object where the "
        "Hub sends a list of models (is the address right?)."
    )
