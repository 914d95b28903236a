"""PDF timings with a warm Chromium: one document (p50/p95) and a 100-order batch as one PDF.

    .venv/bin/python bench/printing.py [--runs 50] [--batch 100] [--screenshots docs/screenshots]

Runs on a throw-away SQLite database with orders from the test factory. With
``--screenshots`` it also writes a PNG of the first page of each document (pdftoppm).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_tmp = tempfile.mkdtemp(prefix="bench-printing-")
os.environ["DASHBOARD_VAR_DIR"] = _tmp
os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}/bench.sqlite3"
sys.path.insert(0, str(ROOT))

import dashboard  # noqa: E402,F401
from bench._timing import p50_p95, timings_ms  # noqa: E402


def _factory():
    spec = importlib.util.spec_from_file_location("print_factory", ROOT / "tests/print/conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_print_order


async def main(args) -> None:
    from dashboard.components.pdf import renderer
    from dashboard.db import transaction
    from dashboard.db.migrate import migrate
    from dashboard.services.printing import batches as print_batches
    from dashboard.services.printing.documents import issue_credit_note, render_document_pdf

    await migrate()
    await transaction.start()
    make_order = _factory()
    pdf = renderer()
    try:
        numbers = [await make_order(shipped=True) for _ in range(max(args.batch, 1))]
        started = time.perf_counter()
        await render_document_pdf(numbers[0], "invoice")
        cold = time.perf_counter() - started

        p50, p95 = p50_p95(await timings_ms(lambda: render_document_pdf(numbers[0], "invoice"),
                                            args.runs, warm_up=0))

        started = time.perf_counter()
        batch_id = await print_batches.start_batch(numbers[: args.batch], "invoice", "a4", "bench")
        batch = await print_batches.wait_for(batch_id, timeout=120)
        batch_seconds = time.perf_counter() - started
        assert batch.status == "done", batch.error
        rerun = time.perf_counter()
        batch_id = await print_batches.start_batch(numbers[: args.batch], "invoice", "a4", "bench")
        await print_batches.wait_for(batch_id, timeout=120)
        batch_reprint = time.perf_counter() - rerun

        # Same HTML, PDF step only: warm Chromium against WeasyPrint (optional: the
        # `bench` extra installs it; the app itself never uses it).
        from dashboard.domain.printing.documents import paper
        from dashboard.services.printing.documents import render_document_html

        html = await render_document_html(numbers[0], "invoice")
        chromium_p50 = statistics.median(
            await timings_ms(lambda: pdf.pdf(html, paper("a4")), args.runs, warm_up=0)) / 1000
        weasy_p50 = None
        if importlib.util.find_spec("weasyprint"):
            import weasyprint

            weasy_times = []
            for _ in range(max(5, args.runs // 5)):
                started = time.perf_counter()
                weasyprint.HTML(string=html).write_pdf()
                weasy_times.append(time.perf_counter() - started)
            weasy_p50 = statistics.median(weasy_times)

        # The 100-invoice batch page, PDF step only, once each.
        from dashboard.components.i18n import DEFAULT_LOCALE
        from dashboard.services.printing.documents import order_document, render_html

        from dashboard.domain.printing.documents import DocumentKind

        documents = [await order_document(n, DocumentKind.INVOICE, actor="bench")
                     for n in numbers[: args.batch]]
        batch_html = render_html(documents, paper("a4"), DEFAULT_LOCALE)
        started = time.perf_counter()
        await pdf.pdf(batch_html, paper("a4"))
        chromium_batch = time.perf_counter() - started
        weasy_batch = None
        if weasy_p50 is not None:
            started = time.perf_counter()
            weasyprint.HTML(string=batch_html).write_pdf()
            weasy_batch = time.perf_counter() - started

        print(f"Chromium cold start + first invoice: {cold * 1000:.0f} ms")
        print(f"warm A4 invoice PDF ({args.runs} runs): p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        # The orders are paid, so their invoices were issued by the payments: a batch only
        # reads the snapshots (printing never issues an invoice).
        print(f"{args.batch} invoices as one PDF (issued at payment): {batch_seconds:.2f} s; "
              f"again: {batch_reprint:.2f} s")
        print(f"same invoice HTML to PDF, p50: Chromium {chromium_p50 * 1000:.0f} ms"
              + (f", WeasyPrint {weasy_p50 * 1000:.0f} ms ({weasy_p50 / chromium_p50:.1f}x slower)"
                 if weasy_p50 else ", WeasyPrint not installed (pip install -e '.[bench]')"))
        if weasy_batch:
            print(f"same {args.batch}-invoice batch HTML to PDF: Chromium {chromium_batch:.2f} s, "
                  f"WeasyPrint {weasy_batch:.2f} s ({weasy_batch / chromium_batch:.1f}x slower)")

        if args.screenshots:
            out = Path(args.screenshots)
            out.mkdir(parents=True, exist_ok=True)
            await issue_credit_note(numbers[0], amount=1200, reason="Mug arrived damaged",
                                    lines=[{"sku": "MUG-ENAMEL", "name": "Mug émaillé 35 cl",
                                            "quantity": 1, "unit_price": 1200,
                                            "vat_rate_bp": 2000}])
            shots = [(k, "a4") for k in ("order-confirmation", "invoice", "receipt",
                                         "delivery-note", "credit-note")]
            shots += [("receipt", "80mm"), ("delivery-note", "58mm")]
            for kind, fmt in shots:
                data = await render_document_pdf(numbers[0], kind, fmt)
                _png(data, out / f"{kind}-{fmt}")
            to_pick = [await make_order() for _ in range(4)]
            batch_id = await print_batches.start_batch(to_pick, "pick-list", "a4", "bench")
            await print_batches.wait_for(batch_id)
            _png(print_batches.batch_file(batch_id).read_bytes(), out / "pick-list-a4")
            print(f"screenshots in {out}")
    finally:
        await pdf.close()
        await transaction.stop()


def _png(data: bytes, stem: Path) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", "-",
                    str(stem)], input=data, check=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--screenshots", default="")
    asyncio.run(main(parser.parse_args()))
