"""`punchout serve --config FILE`: a gunicorn config file, with the command's options winning."""

from __future__ import annotations

from pathlib import Path

from punchout.runtime.serve import ConnectorServer, gunicorn_options
from tests.conftest import make_settings

EXAMPLE = Path(__file__).resolve().parents[3] / "deploy" / "gunicorn.conf.py"


def test_the_shipped_example_config_file_loads_and_the_options_win(tmp_path: Path) -> None:
    options = gunicorn_options(make_settings(tmp_path), "127.0.0.1", 8123, workers=3, threads=2)
    config = tmp_path / "gunicorn.conf.py"
    config.write_text(EXAMPLE.read_text() + "\nworkers = 9\nkeepalive = 7\n", encoding="utf-8")
    server = ConnectorServer(options, str(config))
    assert server.cfg.max_requests == 5000 and server.cfg.keepalive == 7
    assert server.cfg.workers == 3 and server.cfg.threads == 2
    assert server.cfg.bind == ["127.0.0.1:8123"]
    assert server.cfg.forwarded_allow_ips == []  # proxies are trusted by proxy_hops only
    assert server.cfg.graceful_timeout >= 60  # a purchase order in flight may finish
