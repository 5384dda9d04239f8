"""The service benchmark's own logic: reading wrk's report, pairing rounds, the request bodies it sends."""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from benchmarks.harness import Postgres
from benchmarks.service import Cell, Run, extra_row, multipart, switch_interval, v2_bytes
from benchmarks.wrk import parse, wrk

WRK_REPORT = """Running 6s test @ http://127.0.0.1:8000/v1/predict
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    32.10ms    4.20ms  71.30ms   80.00%
    Req/Sec   249.10     20.30   290.00     70.00%
  Latency Distribution
     50%   31.50ms
     75%   33.90ms
     90%   36.20ms
     99%    1.02s
  1494 requests in 6.01s, 1.02MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:    248.59
Transfer/sec:    173.21KB
"""


def test_wrk_report_gives_rate_of_successes_errors_and_quantiles():
    run = parse(WRK_REPORT)
    assert (run.requests, run.seconds, run.non_2xx, run.socket_errors) == (1494, 6.01, 4, 3)
    assert run.errors == 7
    assert run.ok_rate == pytest.approx(1490 / 6.01)
    assert run.p50_s == pytest.approx(0.0315)
    assert run.p99_s == pytest.approx(1.02)


def test_a_clean_report_has_no_errors():
    clean = "\n".join(line for line in WRK_REPORT.splitlines() if "errors" not in line and "Non-2xx" not in line)
    assert parse(clean).errors == 0


def test_the_ratio_pairs_each_rounds_runs_and_takes_the_median():
    cell = Cell("fp32", 224)
    for local, remote in ((100, 90), (200, 190), (100, 80)):
        cell.local.append(Run(local, 0.01, 0, 0.0, 0.0, 2 / local))
        cell.remote.append(Run(remote, 0.02, 0, 0.0, 0.0, 2 / remote))
    assert cell.ratios == pytest.approx([0.9, 0.95, 0.8])
    assert cell.ratio == pytest.approx(0.9)
    assert cell.cpu_ratio == pytest.approx(0.9)  # two busy cores: CPU per image is 2 / rate


def test_a_request_form_is_compared_with_its_own_in_process_run():
    row = extra_row(
        "int8", "v1 multipart", 224, Run(180.0, 0.05, 0, 0.0, 0.0, 0.01), Run(240.0, 0.01, 0, 0.0, 0.0, 0.008)
    )
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[2:5] == ["180.0", "240.0", "0.750"]


def test_the_multipart_body_holds_the_image_in_the_field_file():
    body, headers = multipart(b"JPEG")
    boundary = headers["Content-Type"].split("boundary=")[1]
    assert body.startswith(f"--{boundary}\r\n".encode())
    assert b'name="file"' in body and b"\r\n\r\nJPEG\r\n" in body


def test_the_v2_body_is_a_json_header_then_the_binary_image():
    body, headers = v2_bytes(b"JPEG")
    json_size = int(headers["Inference-Header-Content-Length"])
    assert b'"classification":5' in body[:json_size]
    assert body[json_size:].endswith(b"JPEG")


class _Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the service
    seen: list[tuple[str, dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append((self.path, dict(self.headers), body))
        self.send_response(200 if len(self.seen) % 2 else 503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.integration  # runs wrk against a server on 127.0.0.1
@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (.ci/run installs it)")
def test_wrk_posts_the_file_with_its_headers_and_counts_the_failures(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    body = tmp_path / "body"
    body.write_bytes(b"\x00JPEG\xff" * 100)
    try:
        run = wrk(f"http://127.0.0.1:{server.server_port}/v1/predict", body, {"X-Test": "a: b"}, 1, 1)
    finally:
        server.shutdown()
    path, headers, sent = _Recorder.seen[0]
    assert (path, headers["X-Test"], sent) == ("/v1/predict", "a: b", body.read_bytes())
    assert run.requests >= 2 and run.non_2xx == run.requests // 2


def test_the_postgres_cpu_counts_the_servers_own_cpu():
    sum(i * i for i in range(300_000))  # some CPU of this process, the "server" here
    burnt = time.process_time()
    assert Postgres("postgresql://unused", os.getpid()).cpu_s() >= burnt - 0.05
    assert Postgres("postgresql://unused", 2**22 + 1).cpu_s() == 0.0  # no such process, no child of it


def test_the_in_process_runs_take_the_services_switch_interval_and_give_it_back():
    before = sys.getswitchinterval()
    with switch_interval(0.0003):
        assert sys.getswitchinterval() == pytest.approx(0.0003)
    assert sys.getswitchinterval() == before
