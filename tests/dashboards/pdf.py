"""Reading the text of a PDF made by fpdf2 (its page streams are zlib-compressed), for assertions."""

import contextlib
import re
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
TEXT = re.compile(rb"\((.*?)(?<!\\)\)\s*Tj")


def pdf_text(content: bytes) -> str:
    """Every string shown with Tj, in order, joined by newlines."""
    assert content.startswith(b"%PDF-")
    shown = []
    for raw in STREAM.findall(content):
        with contextlib.suppress(zlib.error):
            raw = zlib.decompress(raw)
        shown.extend(m.replace(rb"\(", b"(").replace(rb"\)", b")").replace(rb"\\", b"\\") for m in TEXT.findall(raw))
    return "\n".join(s.decode("latin-1") for s in shown)


def pdf_pages(content: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", content))
