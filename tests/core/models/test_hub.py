"""Hub search and file listing, against the local stand-in (the Hub's API over our HTTP client)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
from hub_server import (
    EVIL_REPO,
    GATED_REPO,
    SHARD_REPO,
    SMOLLM_FILE,
    SMOLLM_REPO,
    TINY_REPO,
    UNSAFE_NAMES,
    HubServer,
)

from desktop_app.core.errors import AppError
from desktop_app.core.models import net
from desktop_app.core.models.hub import (
    HubClient,
    HubConfig,
    HubFile,
    group_gguf_files,
    parse_quant,
    unsafe_name_reason,
)
from desktop_app.core.models.hub_errors import (
    EntryNotFoundError,
    HubConfigError,
    NetworkError,
    OfflineError,
    RepoNotFoundError,
)
from desktop_app.core.models.starter import STARTER_SHA256
from desktop_app.core.storage.settings import Settings


def test_search_sorts_by_downloads_likes_and_recency(hub_config: HubConfig) -> None:
    client = HubClient(hub_config)
    by_downloads = [r.repo_id for r in client.search()]
    assert by_downloads[:3] == [SMOLLM_REPO, TINY_REPO, SHARD_REPO]
    assert "someone/not-a-gguf-repo" not in by_downloads  # GGUF repos only
    assert [r.repo_id for r in client.search(sort="likes")][:2] == [TINY_REPO, SMOLLM_REPO]
    assert [r.repo_id for r in client.search(sort="recent")][:2] == [SHARD_REPO, SMOLLM_REPO]
    hits = client.search("tiny-model", limit=5)
    assert [h.repo_id for h in hits] == [TINY_REPO]
    tiny = hits[0]
    assert (tiny.downloads, tiny.likes, tiny.author) == (1000, 300, "test-org")
    assert tiny.last_modified is not None and tiny.last_modified.year == 2024
    assert (tiny.architecture, tiny.context_length) == ("llama", 2048)
    assert len(client.search(limit=2)) == 2


def test_stand_in_speaks_the_hub_protocol_to_huggingface_hub(
    hub_server: HubServer, tmp_path: Path
) -> None:
    """The real client's own calls work and see what the Hub would send."""
    from huggingface_hub import HfApi, get_hf_file_metadata, hf_hub_download, hf_hub_url

    api = HfApi(endpoint=hub_server.endpoint, token=False)
    info = api.model_info(SMOLLM_REPO, files_metadata=True)
    sibling = next(s for s in info.siblings or [] if s.rfilename == SMOLLM_FILE)
    assert sibling.lfs is not None and sibling.lfs.sha256 == STARTER_SHA256
    assert sibling.size == sibling.lfs.size > 90_000_000
    url = hf_hub_url(SMOLLM_REPO, SMOLLM_FILE, endpoint=hub_server.endpoint)
    meta = get_hf_file_metadata(url, token=False, endpoint=hub_server.endpoint)
    assert meta.commit_hash == info.sha
    assert meta.etag == STARTER_SHA256
    assert meta.size == sibling.size
    assert meta.location.startswith(hub_server.cdn)  # the redirect to the "CDN", not followed
    got = hf_hub_download(
        TINY_REPO, "tiny-model-Q4_K_M.gguf", endpoint=hub_server.endpoint, cache_dir=tmp_path
    )
    assert Path(got).read_bytes() == hub_server.file(TINY_REPO, "tiny-model-Q4_K_M.gguf").blob.data
    pages = list(api.list_models(filter="gguf", sort="downloads"))  # no limit: follows Link pages
    assert len(pages) == 5


def test_repo_files_grouped_by_quantization(hub_config: HubConfig, hub_server: HubServer) -> None:
    repo = HubClient(hub_config).repo_files(TINY_REPO)
    assert repo.revision == hub_server.repos[TINY_REPO].sha
    groups = repo.by_quant()
    assert set(groups) == {"IQ4_XS", "Q4_K_M", "Q4_1", "Q8_0", "F16", "BF16", "Q2_K"}
    assert next(iter(groups)) == "IQ4_XS"  # smallest first
    q8 = groups["Q8_0"][0]
    served = hub_server.file(TINY_REPO, "tiny-model-Q8_0.gguf").blob
    assert (q8.name, q8.size, q8.first_file.sha256) == (
        "tiny-model-Q8_0.gguf",
        500_000,
        served.sha256,
    )
    projectors = repo.by_quant("mmproj")
    assert [m.name for m in projectors["F16"]] == ["mmproj-tiny-model-F16.gguf"]
    assert all(not m.name.endswith((".md", ".gitattributes")) for m in repo.models)
    assert repo.select("q4_k_m").name == "tiny-model-Q4_K_M.gguf"
    assert repo.select("tiny-model-Q8_0").name == "tiny-model-Q8_0.gguf"
    with pytest.raises(EntryNotFoundError, match="Q4_K_M"):  # the message lists the choices
        repo.select("Q9_9")
    with pytest.raises(AppError, match="name one"):
        repo.select(None)


def test_sharded_set_is_one_model_with_its_total_size(hub_config: HubConfig) -> None:
    repo = HubClient(hub_config).repo_files(SHARD_REPO)
    sets = [m for m in repo.models if m.sharded]
    assert len(sets) == 1
    model = sets[0]
    assert (model.name, model.quant, model.size) == ("big-model-Q4_K_M", "Q4_K_M", 500_000)
    assert [f.name for f in model.files] == [
        f"Q4_K_M/big-model-Q4_K_M-0000{i}-of-00003.gguf" for i in (1, 2, 3)
    ]
    assert repo.select("Q4_K_M") is model
    (refused,) = repo.refused
    assert refused.name == "big-model-Q8_0" and "1 of 2 files" in refused.reason


@pytest.mark.parametrize(
    ("name", "quant"),
    [
        ("Llama-3.2-1B-Instruct-Q4_K_M.gguf", "Q4_K_M"),
        ("SmolLM2-135M-Instruct.Q4_1.gguf", "Q4_1"),
        ("qwen2.5-7b-instruct-q5_k_m-00001-of-00002.gguf", "Q5_K_M"),
        ("Meta-Llama-3-8B-Instruct.IQ4_XS.gguf", "IQ4_XS"),
        ("gemma-2-2b-it-BF16.gguf", "BF16"),
        ("Phi-3-mini-4k-instruct-fp16.gguf", "F16"),
        ("Q8_0/model-00001-of-00003.gguf", "Q8_0"),
        ("Qwen3-30B-A3B-UD-Q4_K_XL.gguf", "Q4_K_XL"),
        ("gpt-oss-20b-MXFP4.gguf", "MXFP4"),
        ("Qwen2-7B.gguf", None),
    ],
)
def test_quantization_read_from_file_names(name: str, quant: str | None) -> None:
    assert parse_quant(name) == quant


@pytest.mark.parametrize(
    "name", [*UNSAFE_NAMES, "", "a//b.gguf", "./x.gguf", "NUL.gguf", "x\x00.gguf"]
)
def test_unsafe_names_have_a_reason(name: str) -> None:
    assert unsafe_name_reason(name) is not None


@pytest.mark.parametrize(
    "name", ["model.gguf", "Q4_K_M/model-00001-of-00002.gguf", "中文模型.gguf"]
)
def test_ordinary_names_are_safe(name: str) -> None:
    assert unsafe_name_reason(name) is None


def test_unsafe_names_from_the_hub_are_not_offered(hub_config: HubConfig) -> None:
    repo = HubClient(hub_config).repo_files(EVIL_REPO)
    assert [m.name for m in repo.models] == ["ok-Q4_0.gguf"]
    assert sorted(r.name for r in repo.refused) == sorted(UNSAFE_NAMES)
    assert all(r.reason.startswith("refused unsafe file name") for r in repo.refused)
    with pytest.raises(AppError, match="refused unsafe file name"):
        repo.select("../../evil.gguf")


def test_grouping_keeps_a_lone_shard_out_and_ignores_other_files() -> None:
    files = [
        HubFile("a-00001-of-00002.gguf", 10, None),
        HubFile("config.json", 1, None),
        HubFile("b.Q4_0.gguf", 5, None),
    ]
    models, refused = group_gguf_files(files)
    assert [m.name for m in models] == ["b.Q4_0.gguf"]
    assert [r.name for r in refused] == ["a"]


def test_gated_repo_is_listed_and_marked(hub_config: HubConfig) -> None:
    repo = HubClient(hub_config).repo_files(GATED_REPO)
    assert repo.gated == "manual"
    assert [m.quant for m in repo.models] == ["Q4_0"]


def test_unknown_repo_has_a_clear_message(hub_config: HubConfig) -> None:
    with pytest.raises(RepoNotFoundError, match="No repo 'nobody/nothing'"):
        HubClient(hub_config).repo_files("nobody/nothing")


def test_offline_mode_makes_no_request(
    hub_server: HubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_socket(*args: object, **kwargs: object) -> None:
        raise AssertionError("a socket was opened in offline mode")

    monkeypatch.setattr(socket.socket, "connect", no_socket)
    monkeypatch.setattr(socket.socket, "connect_ex", no_socket)
    client = HubClient(HubConfig(endpoint=hub_server.endpoint, offline=True))
    with pytest.raises(OfflineError, match="Offline mode is on"):
        client.search("tiny")
    with pytest.raises(OfflineError):
        client.repo_files(TINY_REPO)
    assert hub_server.requests == []


def test_no_token_from_the_environment_goes_to_the_endpoint(
    hub_server: HubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no token in the settings, huggingface_hub must not fall back to HF_TOKEN."""
    monkeypatch.setenv("HF_TOKEN", "hf_should_not_leak")
    HubClient(HubConfig(endpoint=hub_server.endpoint)).search("tiny")
    assert hub_server.requests
    assert all("Authorization" not in r.headers for r in hub_server.requests)
    hub_server.clear_log()
    HubClient(HubConfig(endpoint=hub_server.endpoint, token="hf_mine")).repo_files(TINY_REPO)
    assert [r.headers.get("Authorization") for r in hub_server.requests] == ["Bearer hf_mine"]


def test_a_silent_server_times_out_with_a_message(hub_server: HubServer) -> None:
    hub_server.set_fault(where="api", hang=True)
    client = HubClient(HubConfig(endpoint=hub_server.endpoint, timeout=0.5))
    started = time.monotonic()
    with pytest.raises(NetworkError, match=r"did not answer within 0\.5 s"):
        client.search("tiny")
    assert time.monotonic() - started < 3
    hub_server.clear_faults()  # lets the abandoned request end


def test_server_errors_and_unreachable_hub_are_network_errors(hub_server: HubServer) -> None:
    hub_server.set_fault(where="api", status=503)
    with pytest.raises(NetworkError, match="busy or failing"):
        HubClient(HubConfig(endpoint=hub_server.endpoint)).repo_files(TINY_REPO)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    with pytest.raises(NetworkError, match="connection was refused"):
        HubClient(HubConfig(endpoint=closed)).repo_files(TINY_REPO)


def test_config_from_settings_and_bad_endpoints(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.json")
    config = HubConfig.from_settings(settings)
    assert (config.endpoint, config.token, config.offline) == (
        "https://huggingface.co",
        None,
        False,
    )
    settings.set("hub.endpoint", "https://hf-mirror.com/")
    settings.set("hub.token", "  hf_abc ")
    settings.set("offline", True)
    config = HubConfig.from_settings(settings)
    assert (config.endpoint, config.token, config.offline) == (
        "https://hf-mirror.com",
        "hf_abc",
        True,
    )
    assert config.file_url("a/b", "dir/x y.gguf", "main") == (
        "https://hf-mirror.com/a/b/resolve/main/dir/x%20y.gguf"
    )
    for bad in ("hf-mirror.com", "ftp://example.com", "https://"):
        with pytest.raises(HubConfigError, match="not a web address"):
            HubConfig(endpoint=bad)


# ---- why a request failed, said at once (issue 14) -------------------------------------------


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_name_that_does_not_resolve_is_a_dns_failure_at_once() -> None:
    """No five retries with backoff (huggingface_hub's): the lookup's own answer, with the host."""
    started = time.monotonic()
    with pytest.raises(NetworkError) as caught:
        HubClient(HubConfig(endpoint="https://nonexistent.invalid")).search("qwen")
    assert time.monotonic() - started < 3
    assert "nonexistent.invalid" in caught.value.message
    assert "DNS" in caught.value.message or "name lookup" in caught.value.message
    assert "did not answer" not in caught.value.message


def test_a_port_nobody_listens_on_is_refused() -> None:
    started = time.monotonic()
    with pytest.raises(NetworkError, match=r"127\.0\.0\.1: the connection was refused"):
        HubClient(HubConfig(endpoint=f"http://127.0.0.1:{_closed_port()}")).search("qwen")
    assert time.monotonic() - started < 2


def test_https_to_a_plain_http_server_is_a_tls_failure(hub_server: HubServer) -> None:
    tls = hub_server.endpoint.replace("http://", "https://")
    with pytest.raises(NetworkError, match="TLS") as caught:
        HubClient(HubConfig(endpoint=tls, timeout=5)).search("tiny")
    assert "http://" in caught.value.message  # the likely fix is said


def test_an_abort_ends_a_search_the_server_never_answers(hub_server: HubServer) -> None:
    hub_server.set_fault(where="api", hang=True)
    abort = net.Abort()
    client = HubClient(HubConfig(endpoint=hub_server.endpoint, timeout=30))
    threading.Timer(0.3, abort.set, args=("cancel",)).start()
    started = time.monotonic()
    with pytest.raises(net.Aborted):
        client.search("tiny", abort=abort)
    assert time.monotonic() - started < 2
    hub_server.clear_faults()


def test_search_sends_what_hfapi_sends(hub_server: HubServer) -> None:
    """The same query as huggingface_hub's list_models, so the real Hub answers it the same."""
    HubClient(HubConfig(endpoint=hub_server.endpoint)).search("tiny", sort="recent", limit=7)
    (request,) = hub_server.requests
    assert request.path.startswith("/api/models?search=tiny&filter=gguf&sort=lastModified")
    assert "limit=7" in request.path and "expand=gguf" in request.path
