"""A directive's text from the file the office has: plain text, Word (.docx) or a text PDF.

python-docx reads Word's XML (paragraphs and table cells, in order); pypdf extracts a PDF's text
layer in pure Python, with no system tools to install. A scanned PDF has no text layer: it is
answered as unreadable rather than guessed at (OCR is out of scope).
"""

from __future__ import annotations

import io


class UnreadableFileError(ValueError):
    """The bytes are not a document of a kind we read, or hold no text."""


def text_of(data: bytes, filename: str) -> str:
    """The document's text; raises UnreadableFileError for what cannot be read."""
    name = filename.lower()
    if name.endswith(".docx"):
        return _docx(data)
    if name.endswith(".pdf") or data.startswith(b"%PDF"):
        return _pdf(data)
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise UnreadableFileError(filename)


def _docx(data: bytes) -> str:
    from docx import Document  # loaded when first needed: the bot rarely reads documents

    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a file that is no .docx
        raise UnreadableFileError("docx") from exc
    return "\n".join(_docx_lines(document))


def _docx_lines(document: object) -> list[str]:
    """Paragraphs and table cells in the order they stand. A directive's header (issuer and
    "Số 3022-CV/TU" on the left, the place and date on the right) is usually a table above the
    text: read after the body, its number and date were not where the reader looks for them."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    body = document.element.body  # type: ignore[attr-defined]
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)  # type: ignore[arg-type]
        elif tag == "tbl":
            table = Table(child, document)  # type: ignore[arg-type]
            seen: set[int] = set()
            for row in table.rows:
                for cell in row.cells:
                    if id(cell._tc) not in seen:  # a merged cell is listed once for each column
                        seen.add(id(cell._tc))
                        lines.append(cell.text)
    return lines


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError) as exc:
        raise UnreadableFileError("pdf") from exc
