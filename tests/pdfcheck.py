"""What a reader of our PDFs sees: the text layer, the fonts that draw it, what fits the page."""

import io

from fontTools.ttLib import TTFont
from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def embedded_fonts(content: bytes) -> dict[str, set[int]]:
    """Each embedded font's name and the characters its (subset) cmap can draw."""
    fonts: dict[str, set[int]] = {}
    for page in PdfReader(io.BytesIO(content)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            described = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = described["/FontDescriptor"].get_object()
            stream = next(
                descriptor[key] for key in ("/FontFile2", "/FontFile3") if key in descriptor
            )
            cmap = TTFont(io.BytesIO(stream.get_object().get_data())).getBestCmap() or {}
            name = str(font["/BaseFont"]).split("+", 1)[-1]
            fonts.setdefault(name, set()).update(cmap)
    return fonts


def characters_without_a_glyph(content: bytes, text: str) -> set[str]:
    """The characters of ``text`` that no embedded font draws (printed as empty boxes)."""
    covered = set().union(*embedded_fonts(content).values())
    return {char for char in text if not char.isspace() and ord(char) not in covered}


def boxes_past_the_page_edge(html: str) -> list:
    """The layout boxes of ``html``, laid out as our PDFs are, that end past the page's width."""
    from weasyprint import HTML

    past = []
    for page in HTML(string=html).render().pages:
        boxes = [page._page_box]
        while boxes:
            box = boxes.pop()
            if box.position_x + box.margin_width() > page.width + 0.5:
                past.append(box)
            boxes.extend(getattr(box, "children", ()))
    return past
