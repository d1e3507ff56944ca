"""Files are decoded as a browser would: byte order mark, UTF-8, the page's <meta charset>, then
detection; a few stray NUL bytes do not make a page binary."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.ingest.sources import decode_bytes, read_path

RUSSIAN = "Министерство иностранных дел России опровергло эти сообщения в понедельник."
KOI8_META = b'<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
GERMAN = "Die Bürgermeisterin äußerte sich am Montag zu den Vorwürfen über die Straßenbahn."


def _page(body: str, charset: str) -> bytes:
    html = f'<html><head><meta charset="{charset}"><title>t</title></head><body><p>{body}</p></body></html>'
    return html.encode(charset)


@pytest.mark.parametrize(
    ("data", "html", "expected"),
    [
        (_page(RUSSIAN, "windows-1251"), True, RUSSIAN),
        (_page(GERMAN, "iso-8859-1"), True, GERMAN),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
            + RUSSIAN.encode("koi8-r"),
            True,
            RUSSIAN,
        ),
        ("\ufeff".encode("utf-16-le") + GERMAN.encode("utf-16-le"), False, GERMAN),
        (b"\xef\xbb\xbf" + GERMAN.encode("utf-8"), False, GERMAN),
        ((GERMAN + " " + GERMAN).encode("latin-1"), False, GERMAN),
    ],
)
def test_text_is_decoded_as_a_browser_would(data: bytes, html: bool, expected: str) -> None:
    text, problem = decode_bytes(data, html=html)
    assert problem is None
    assert expected in text


def test_a_few_stray_nul_bytes_are_dropped_not_fatal(tmp_path: Path) -> None:
    body = "<p>" + GERMAN + "</p>"
    page = ("<html><body>" + body * 400 + '<img src="x.png">').encode() + b"\x00" * 22 + b"</body></html>"
    path = tmp_path / "page.html"
    path.write_bytes(page)
    [item] = list(read_path(path, max_bytes=5_000_000))
    assert item.rejected is None and item.raw is not None
    assert "\x00" not in item.raw.content and GERMAN in item.raw.content


def test_binary_files_are_still_refused() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40
    assert decode_bytes(png)[1] == "binary file (contains NUL bytes)"
