"""Factur-X PDF/A-3: the printed invoice (Chromium's PDF) with its CII XML inside.

The ``factur-x`` library checks the XML against the official XSD of its profile, embeds
it as ``factur-x.xml`` (AFRelationship ``Data``) and writes the XMP metadata (PDF/A-3
identification, ``fx:`` extension schema). Two things PDF/A asks for are not the
library's business and are finished here: an sRGB output intent (Chromium paints in
DeviceRGB, which PDF/A only accepts with one), and a document information dictionary that
says what the XMP says (Chromium's producer and dates would contradict it).

CPU-bound (~10-40 ms): the callers run it in a worker thread.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache

import facturx
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from dashboard.settings import PROJECT_ROOT

SRGB_PROFILE = PROJECT_ROOT / "print_templates" / "assets" / "sRGB2014.icc"
FACTURX_FILENAME = "factur-x.xml"


@lru_cache(maxsize=1)
def _srgb() -> bytes:
    return SRGB_PROFILE.read_bytes()


def _output_intent(writer: PdfWriter) -> DictionaryObject:
    profile = DecodedStreamObject()
    profile.set_data(_srgb())
    profile = profile.flate_encode()
    profile[NameObject("/N")] = NumberObject(3)
    return DictionaryObject({
        NameObject("/Type"): NameObject("/OutputIntent"),
        NameObject("/S"): NameObject("/GTS_PDFA1"),
        NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB IEC61966-2.1"),
        NameObject("/Info"): TextStringObject("sRGB IEC61966-2.1"),
        NameObject("/DestOutputProfile"): writer._add_object(profile),
    })


def _xmp_dates(writer: PdfWriter) -> str | None:
    """xmp:CreateDate as a PDF date, so the information dictionary matches the XMP."""
    metadata = writer._root_object.get("/Metadata")
    if metadata is None:
        return None
    text = metadata.get_object().get_data().decode("utf-8", "replace")
    match = re.search(r"<xmp:CreateDate>(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)", text)
    return "D:{}{}{}{}{}{}+00'00'".format(*match.groups()) if match else None


def _finish_pdfa(data: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer._root_object[NameObject("/OutputIntents")] = ArrayObject([_output_intent(writer)])
    info = {"/Producer": "pypdf"}  # what the XMP's pdf:Producer says
    if stamp := _xmp_dates(writer):
        info.update({"/CreationDate": stamp, "/ModDate": stamp})
    writer.add_metadata(info)
    writer.generate_file_identifiers()  # PDF/A wants the trailer's /ID; Chromium writes none
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def facturx_pdf(pdf: bytes, xml: bytes, *, lang: str, title: str, author: str,
                subject: str) -> bytes:
    """``pdf`` as a Factur-X PDF/A-3 carrying ``xml`` (profile EN 16931).

    Raises the factur-x library's exception when the XML breaks the XSD: such an invoice
    must not leave the shop.
    """
    out = facturx.generate_from_binary(
        pdf, xml, flavor="factur-x", level="en16931", check_xsd=True,
        pdf_metadata={"author": author, "keywords": "Factur-X, EN 16931", "title": title,
                      "subject": subject},
        lang=lang)
    return _finish_pdfa(out)
