"""PDF reading speed: pages per second on a generated 200-page Chinese PDF, one core.

Run: python benchmarks/pdf_speed.py [--pages 200]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

LINE = ("县委第{n}巡察组反馈指出，该单位落实全面从严治党主体责任不到位，“三重一大”事项集体决策执行不严格，"
        "对年轻干部谈心谈话未经常性开展，已督促整改问题{k}个，约谈{m}人次。")


def make_pdf(path: Path, pages: int) -> None:
    """A report-like PDF: running header, page numbers, ~30 lines of CJK text per page."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    rng = random.Random(1)
    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    for page in range(1, pages + 1):
        c.setFont("STSong-Light", 9)
        c.drawString(72, height - 40, "某县委巡察办 巡察情况通报")
        c.drawCentredString(width / 2, 30, f"- {page} -")
        c.setFont("STSong-Light", 11)
        y = height - 80
        text = "".join(LINE.format(n=rng.randint(1, 9), k=rng.randint(2, 40), m=rng.randint(2, 60)) for _ in range(12))
        while text and y > 60:
            c.drawString(72, y, text[:38])
            text, y = text[38:], y - 22
        c.showPage()
    c.save()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pages", type=int, default=200)
    args = ap.parse_args()
    from xuncha.ingest import read_document

    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "report.pdf"
        make_pdf(pdf, args.pages)
        read_document(pdf)  # warm up (imports, OpenCC)
        start = time.perf_counter()
        doc = read_document(pdf)
        elapsed = time.perf_counter() - start
    print(f"PDF: {args.pages} pages, {len(doc.text)} chars in {elapsed:.2f} s → {args.pages / elapsed:.1f} pages/s")


if __name__ == "__main__":
    main()
