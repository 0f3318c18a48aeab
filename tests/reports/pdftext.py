"""Text of a PDF for the report tests: ``pdftotext`` (poppler) when installed, else ``pypdf`` when
importable, else the strings of the document itself (its outline titles and metadata, which name
every heading), read from its inflated streams with the standard library."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
NAMED_STRING = re.compile(
    rb"/(?:Title|Author|Subject|Keywords)\s*(?:(\((?:\\.|[^\\()])*\))|<([0-9A-Fa-f\s]*)>)", re.DOTALL
)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def pdf_text(data: bytes) -> str:
    tool = shutil.which("pdftotext")
    if tool:
        return subprocess.run([tool, "-q", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    try:
        import pypdf
    except ImportError:
        return document_strings(data)
    import io

    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def document_strings(data: bytes) -> str:
    """The outline titles and metadata of the file and its compressed object streams, decoded."""
    chunks = [data]
    for match in STREAM.finditer(data):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    found = []
    for chunk in chunks:
        for match in NAMED_STRING.finditer(chunk):
            literal, hex_digits = match.group(1), match.group(2)
            if hex_digits is not None:
                raw = bytes.fromhex(re.sub(rb"\s", b"", hex_digits).decode())
                found.append(
                    raw[2:].decode("utf-16-be", "replace") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")
                )
            else:
                found.append(_decode_literal(literal[1:-1]))
    return "\n".join(found)


def _decode_literal(body: bytes) -> str:
    out = bytearray()
    index = 0
    while index < len(body):
        byte = body[index : index + 1]
        if byte == b"\\" and index + 1 < len(body):
            following = body[index + 1 : index + 2]
            octal = re.match(rb"[0-7]{1,3}", body[index + 1 : index + 4])
            if octal:
                out.append(int(octal.group(0), 8) & 0xFF)
                index += 1 + len(octal.group(0))
                continue
            out += ESCAPES.get(following, following)
            index += 2
            continue
        out += byte
        index += 1
    raw = bytes(out)
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", "replace")
    return raw.decode("latin-1")
