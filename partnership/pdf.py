"""PDFs made with fpdf2's core fonts (the CASCADE workshop pack, the dashboard board pack): Latin-1
text, and an A4 document with a footer line and page number on every page."""

from fpdf import FPDF

_REPLACEMENTS = {
    "\u2013": "-",
    "\u2014": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
    "\u2022": "-",
    "\u00a0": " ",
}


def pdf_text(value) -> str:
    """The PDF's core fonts are Latin-1: replace common punctuation, and anything else with '?'."""
    text = "" if value is None else str(value)
    for old, new in _REPLACEMENTS.items():
        text = text.replace(old, new)
    return text.encode("latin-1", "replace").decode("latin-1")


class FooterPdf(FPDF):
    """Set `footer_text`; every page ends with it and its page number."""

    footer_text = ""

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 6, pdf_text(f"{self.footer_text} - page {self.page_no()}"), align="C")
