"""Labels: ZPL content, and delivery through a real private CUPS raw queue and straight TCP."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import socketserver
import subprocess
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from dashboard.components.delivery_errors import delivery_error
from dashboard.db.tables import OrderEvent, PrintJob
from dashboard.domain.printing.labels import MAX_ATTEMPTS
from dashboard.services.printing import labels as printing


class _Printer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Receive)
        self.received: list[bytes] = []
        self.arrived = threading.Condition()

    @property
    def port(self) -> int:
        return self.server_address[1]

    async def next_payload(self, timeout: float = 20) -> bytes:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.received:
                return self.received.pop(0)
            await asyncio.sleep(0.05)
        raise AssertionError("the printer received nothing")


class _Receive(socketserver.BaseRequestHandler):
    def handle(self):
        chunks = []
        while data := self.request.recv(65536):
            chunks.append(data)
        self.server.received.append(b"".join(chunks))


@pytest.fixture(scope="module")
def tcp_printer():
    """A test Zebra: a TCP listener on 127.0.0.1 keeping every byte it is sent."""
    server = _Printer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


CUPSD_CONF = """Listen {root}/cups.sock
LogLevel warn
WebInterface No
Browsing No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""
CUPS_FILES_CONF = """ServerRoot {root}
RequestRoot {root}/spool
CacheDir {root}/cache
StateDir {root}/state
TempDir {root}/tmp
AccessLog {root}/log/access_log
ErrorLog {root}/log/error_log
PageLog {root}/log/page_log
Sandboxing Relaxed
"""


@pytest.fixture(scope="module")
def cups_queue(tcp_printer):
    """A private cupsd (own ServerRoot, listening on a unix socket in a temp folder) with a
    raw queue ``ztest`` whose device is the test printer's TCP port."""
    root = Path(tempfile.mkdtemp(prefix="cups-"))
    root.chmod(0o755)
    for name in ("spool", "cache", "state", "tmp", "log", "ppd"):
        (root / name).mkdir()
    (root / "tmp").chmod(0o1777)
    (root / "cupsd.conf").write_text(CUPSD_CONF.format(root=root))
    (root / "cups-files.conf").write_text(CUPS_FILES_CONF.format(root=root))
    cupsd = subprocess.Popen(["/usr/sbin/cupsd", "-f", "-c", str(root / "cupsd.conf"),
                              "-s", str(root / "cups-files.conf")])
    previous = os.environ.get("CUPS_SERVER")
    os.environ["CUPS_SERVER"] = str(root / "cups.sock")
    try:
        deadline = time.monotonic() + 15
        while True:  # the socket answers a moment before the scheduler takes admin requests
            added = subprocess.run(["lpadmin", "-p", "ztest", "-E", "-v",
                                    f"socket://127.0.0.1:{tcp_printer.port}", "-m", "raw"],
                                   capture_output=True, text=True)
            if added.returncode == 0:
                break
            assert time.monotonic() < deadline, f"cupsd did not take the queue: {added.stderr}"
            time.sleep(0.2)
        yield "ztest"
    finally:
        cupsd.terminate()
        cupsd.wait(10)
        if previous is None:
            os.environ.pop("CUPS_SERVER", None)
        else:
            os.environ["CUPS_SERVER"] = previous
        shutil.rmtree(root, ignore_errors=True)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_shipping_label_zpl_download(login_as, order_factory):
    client = await login_as("dispatch")
    number = await order_factory(name="Zoé ^XZ~Hacker_", shipped=True)
    response = await client.get(f"/orders/{number}/labels/shipping.zpl?size=4x6&dpi=203")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    zpl = response.content.decode("utf-8")
    assert zpl.startswith("^XA\n^CI28\n^PW812\n^LL1218") and zpl.rstrip().endswith("^XZ")
    assert f"^BCN,150,Y,N,N^FH_^FD{number}^FS" in zpl  # order number, native Code 128
    assert "^FD6A12345678901^FS" in zpl  # tracking number barcode
    # Customer text cannot inject ZPL commands: ^ ~ _ travel hex-escaped under ^FH.
    assert "Zoé _5EXZ_7EHacker_5F" in zpl and "^XZ~Hacker" not in zpl
    at_300 = (await client.get(f"/orders/{number}/labels/shipping.zpl?dpi=300")).text
    assert "^PW1200\n^LL1800" in at_300 and "^BCN,222,Y,N,N" in at_300
    assert (await client.get(f"/orders/{number}/labels/shipping.zpl?dpi=600")).status_code == 422
    assert (await client.get(f"/orders/{number}/labels/shipping.zpl?size=2x1")).status_code == 422
    assert (await client.get(f"/orders/{number}/labels/parcel.zpl")).status_code == 404


async def test_product_and_bin_labels_use_native_barcodes(login_as, order_factory):
    await order_factory()
    client = await login_as("dispatch")
    product = (await client.get("/print/labels/product/TSHIRT-BLUE-M.zpl?dpi=300&copies=3")).text
    assert "^PW600\n^LL300" in product
    assert "^BEN,118,Y,N^FD376000000001^FS" in product  # EAN-13: 12 digits, printer adds the check
    assert "^PQ3" in product
    bin_label = (await client.get("/print/labels/bin/A-02-3.zpl")).text
    assert "^PW406\n^LL203" in bin_label and "^BCN,90,N,N,N^FH_^FDA-02-3^FS" in bin_label


async def test_label_through_zebra_and_a_real_cups_raw_queue(order_factory, cups_queue,
                                                             tcp_printer, configure_printers):
    configure_printers(f"zebra1=cups:{cups_queue}")
    number = await order_factory(shipped=True)
    job_id = await printing.print_shipping_label(number, actor="dispatch-user")
    expected = (await PrintJob.select(PrintJob.payload).where(PrintJob.id == job_id).first())["payload"]
    assert await printing.deliver_print_job(job_id) == "printed"
    assert await tcp_printer.next_payload() == expected.encode("utf-8")
    assert await OrderEvent.count().where(OrderEvent.kind == "label.queued") == 1


async def test_missing_cups_queue_is_an_error_not_a_silent_success(order_factory, cups_queue,
                                                                   configure_printers):
    configure_printers("ghost=cups:NoSuchQueue")
    job_id = await printing.queue_print_job("^XA^XZ", "bin_label")
    assert await printing.deliver_print_job(job_id) == "pending"
    job = await PrintJob.select().where(PrintJob.id == job_id).first()
    assert "NoSuchQueue" in job["last_error"] and job["attempts"] == 1
    # Staff read why in French, the stored text kept beside it.
    assert delivery_error(job["last_error"]).sentence == \
        "La file CUPS NoSuchQueue n’existe pas, ou CUPS ne répond pas."


async def test_label_straight_to_port_9100(order_factory, tcp_printer, configure_printers):
    configure_printers(f"desk=tcp:127.0.0.1:{tcp_printer.port}")
    zpl = printing.bin_label_zpl("B-10-1")
    job_id = await printing.queue_print_job(zpl, "bin_label")
    assert await printing.deliver_due_print_jobs() == 1
    assert await tcp_printer.next_payload() == zpl.encode()
    job = await PrintJob.select().where(PrintJob.id == job_id).first()
    assert job["status"] == "printed" and job["printed_at"] is not None
    assert await printing.deliver_print_job(job_id) == "printed"  # never printed twice
    assert tcp_printer.received == []


async def test_offline_printer_retries_then_fails_with_reason_and_reprint_works(
        login_as, order_factory, tcp_printer, configure_printers):
    offline = _closed_port()
    configure_printers(f"offline=tcp:127.0.0.1:{offline},desk=tcp:127.0.0.1:{tcp_printer.port}",
                       default="offline")
    number = await order_factory(shipped=True)
    job_id = await printing.print_shipping_label(number)
    now = datetime.now(timezone.utc)
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert await printing.deliver_due_print_jobs(now=now) == 1
        job = await PrintJob.select().where(PrintJob.id == job_id).first()
        assert job["attempts"] == attempt
        assert "refused" in job["last_error"].lower()
        if attempt < MAX_ATTEMPTS:
            assert job["status"] == "pending"
            waits.append(job["next_attempt_at"] - now)
            assert await printing.deliver_due_print_jobs(now=now) == 0  # not due yet
            now = job["next_attempt_at"]
    assert job["status"] == "failed"
    assert waits == sorted(waits) and waits[0] == timedelta(seconds=30)
    assert await printing.deliver_due_print_jobs(now=now + timedelta(days=1)) == 0

    client = await login_as("dispatch", locale="fr")
    page = await client.get("/print/jobs")
    assert "L’imprimante a refusé la connexion" in page.text
    assert f"<samp class=\"muted small\" title=\"127.0.0.1:{offline}: Connection refused\">" \
        in page.text  # the stored text, small beside the sentence
    response = await client.post(f"/print/jobs/{job_id}/reprint", data={"printer": "desk"},
                                 headers={"HX-Request": "true"})
    assert response.status_code == 200 and f"/print/jobs/{job_id}/reprint" in response.text
    assert await printing.deliver_due_print_jobs() == 1
    assert (await tcp_printer.next_payload()).startswith(b"^XA\n^CI28")


async def test_unknown_printer_is_refused_or_recorded(order_factory, configure_printers):
    configure_printers("desk=tcp:127.0.0.1:9")
    from dashboard.domain.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        await printing.queue_print_job("^XA^XZ", "bin_label", "nope")
    job_id = await printing.queue_print_job("^XA^XZ", "bin_label", "desk")
    configure_printers("other=tcp:127.0.0.1:9")  # the setting changed after queueing
    assert await printing.deliver_print_job(job_id) == "failed"
    job = await PrintJob.select().where(PrintJob.id == job_id).first()
    assert "not configured" in job["last_error"]
    assert delivery_error(job["last_error"]).sentence == \
        "L’imprimante desk n’est pas configurée (DASHBOARD_PRINTERS)."


def test_the_app_and_the_worker_refuse_to_start_on_a_printer_typo(configure):
    """DASHBOARD_PRINTERS is read at start-up: a port out of range stops `serve` and
    `worker` with the faulty entry named, instead of failing at the first label."""
    from dashboard.app import create_app
    from dashboard.cli import cmd_worker

    configure(DASHBOARD_PRINTERS="desk=tcp:10.0.0.5:91000")
    for start in (create_app, lambda: cmd_worker(None)):
        with pytest.raises(SystemExit, match=r"DASHBOARD_PRINTERS: .*'desk=tcp:10.0.0.5:91000'"):
            start()
    configure(DASHBOARD_PRINTERS="desk=tcp:10.0.0.5:9100")
    assert create_app() is not None
