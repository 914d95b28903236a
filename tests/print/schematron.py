"""The official EN 16931 CII schematron (tests/fixtures/en16931/), run by Saxon-HE.

The stylesheet is XSLT 2.0, which lxml (libxslt, XSLT 1.0) cannot run: saxonche compiles it
once per test session (~2 s) and each invoice then takes a few milliseconds.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lxml import etree

STYLESHEET = Path(__file__).resolve().parent.parent / "fixtures" / "en16931" / \
    "EN16931-CII-validation.xslt"
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}


@lru_cache(maxsize=1)
def _compiled():
    from saxonche import PySaxonProcessor

    processor = PySaxonProcessor(license=False)
    executable = processor.new_xslt30_processor().compile_stylesheet(
        stylesheet_file=str(STYLESHEET))
    return processor, executable


def report(xml: bytes) -> etree._Element:
    """The SVRL report of ``xml``."""
    processor, executable = _compiled()
    node = processor.parse_xml(xml_text=xml.decode("utf-8"))
    return etree.fromstring(executable.transform_to_string(xdm_node=node).encode("utf-8"))


def failed_asserts(xml: bytes, flags: tuple[str, ...] = ("fatal", "warning")) -> list[str]:
    """Every failed assertion (fatal errors, and warnings too by default) as
    "BR-xx: message", so that a failing test says which rule broke."""
    svrl = report(xml)
    assert svrl.findall("svrl:fired-rule", SVRL), "the schematron checked nothing"
    return [f"{f.get('id')}: {' '.join(f.findtext('svrl:text', '', SVRL).split())}"
            for f in svrl.iterfind("svrl:failed-assert", SVRL)
            if (f.get("flag") or "fatal") in flags]
