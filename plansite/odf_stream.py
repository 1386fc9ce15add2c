"""ODF spreadsheets written as XML text straight into the zip, without odfpy's element tree.

The bytes are exactly those the odfpy route wrote (tests/unit/test_ods_writer.py keeps that route
as the reference and compares every seed plan, the shape fixtures and awkward cell text):
odfpy's namespace declarations, attribute order and quoting, its escaping (only & < > in text;
characters XML 1.0 cannot carry become U+FFFD), `<text:p/>` for an empty line, body cells styled
"None", and the package
that `package()` writes with fixed timestamps. Building the tree cost about two thirds of a
200-plan build (issue 13).

The whole site's plans.ods is the exception: `write_one_sheet` joins each plan's rows compressed apart
(`deflated`, kept in the build cache), so its members hold the same bytes but its compressed stream
is its own, and one plan's edit does not compress 100 MB of XML again.
"""
from __future__ import annotations

import io
import itertools
import re
import struct
import zipfile
import zlib

PROLOGUE = "<?xml version='1.0' encoding='UTF-8'?>\n"
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"

# odfpy declared every namespace it had met in the process, in first-use order, on each root element:
# these, in this order, in every file of a build. (Only the first file of a process, a build's first
# ODT, lacked chart, draw and presentation in its styles.xml; these declarations are never used.)
_NAMESPACES = (
    ("office", "urn:oasis:names:tc:opendocument:xmlns:office:1.0"),
    ("text", "urn:oasis:names:tc:opendocument:xmlns:text:1.0"),
    ("meta", "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"),
    ("dc", "http://purl.org/dc/elements/1.1/"),
    ("style", "urn:oasis:names:tc:opendocument:xmlns:style:1.0"),
    ("fo", "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"),
    ("table", "urn:oasis:names:tc:opendocument:xmlns:table:1.0"),
    ("manifest", "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"),
    ("chart", "urn:oasis:names:tc:opendocument:xmlns:chart:1.0"),
    ("draw", "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"),
    ("presentation", "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"),
)
XMLNS = "".join(f' xmlns:{prefix}="{uri}"' for prefix, uri in _NAMESPACES)

# What XML 1.0 cannot carry, and the C1 controls it discourages: odfpy writes U+FFFD instead.
_UNREPRESENTABLE = re.compile(
    "[\x00\ud800-\udfff\ufffe\uffff\x01-\x08\x0b-\x0c\x0e-\x1f\x7f-\x84\x86-\x9f"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}-{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17)) + "]")

_STYLES_XML = (PROLOGUE + f'<office:document-styles{XMLNS} office:version="1.2"><office:styles/>'
               "<office:automatic-styles></office:automatic-styles></office:document-styles>").encode("utf-8")
_HEADER_STYLE = ('<style:style style:name="Header" style:family="table-cell" style:display-name="Header">'
                 '<style:text-properties fo:font-weight="bold"/></style:style>')
_HEADER_CELL = '<table:table-cell office:value-type="string" table:style-name="Header">'
# odfpy writes the body cells' missing style as the name "None"; readers ignore the unknown style
_CELL = '<table:table-cell office:value-type="string" table:style-name="None">'


def text(value: str) -> str:
    """Character data as odfpy writes it."""
    value = _UNREPRESENTABLE.sub("\ufffd", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attribute(value: str) -> str:
    """A quoted attribute value as odfpy writes it (its "\r" becomes &#12;, which we keep)."""
    value = text(value).replace("\n", "&#10;").replace("\r", "&#12;")
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return '"' + value.replace('"', "&quot;") + '"'


def _cell(value, start: str) -> str:
    lines = str(value).split("\n")
    return start + "".join(f"<text:p>{text(line)}</text:p>" if line else "<text:p/>" for line in lines) \
        + "</table:table-cell>"


def _row(values: list, start: str) -> str:
    if not values:
        return "<table:table-row/>"
    return "<table:table-row>" + "".join([_cell(v, start) for v in values]) + "</table:table-row>"


ROWS_PER_CHUNK = 2000   # content.xml is made and compressed this many rows at a time


def spreadsheet_content(sheets: list[tuple[str, list[str], list[list[str]]]]) -> bytes:
    """content.xml: one table per sheet, the header row in the bold "Header" style."""
    return b"".join(spreadsheet_chunks(sheets))


def spreadsheet_chunks(sheets: list[tuple[str, list[str], list[list[str]]]]):
    """content.xml in pieces of ROWS_PER_CHUNK rows: the whole site's sheet is never one string."""
    head = [PROLOGUE, f'<office:document-content{XMLNS} office:version="1.2">']
    # odfpy writes an automatic style only if a cell uses it
    head.append(f"<office:automatic-styles>{_HEADER_STYLE}</office:automatic-styles>"
                if any(header for _name, header, _rows in sheets) else "<office:automatic-styles/>")
    head.append("<office:body>")
    if not sheets:
        yield "".join(head + ["<office:spreadsheet/></office:body></office:document-content>"]).encode("utf-8")
        return
    head.append("<office:spreadsheet>")
    yield "".join(head).encode("utf-8")
    for name, header, rows in sheets:
        yield (f"<table:table table:name={attribute(str(name))}>" + _row(header, _HEADER_CELL)).encode("utf-8")
        for start in range(0, len(rows), ROWS_PER_CHUNK):
            yield rows_xml(rows[start:start + ROWS_PER_CHUNK])
        yield b"</table:table>"
    yield b"</office:spreadsheet></office:body></office:document-content>"


def rows_xml(rows: list[list]) -> bytes:
    """Body rows of a sheet as content.xml holds them: a sheet's rows are these pieces joined."""
    return "".join([_row(row, _CELL) for row in rows]).encode("utf-8")


def deflated(data: bytes) -> bytes:
    """A piece of a zip member compressed on its own, its CRC-32 and length in front: raw deflate
    blocks ending on a byte boundary (Z_SYNC_FLUSH), so pieces compressed apart join into one member
    (write_one_sheet) without being compressed again."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return _PIECE.pack(zlib.crc32(data), len(data)) + compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def is_deflated(piece: bytes) -> bool:
    """Whether these bytes have a deflated piece's shape (its header, and the end Z_SYNC_FLUSH leaves)."""
    return len(piece) >= _PIECE.size + 5 and piece.endswith(b"\x00\x00\xff\xff")


def inflated(piece: bytes) -> bytes:
    """A deflated piece's bytes again (ValueError when it is not one)."""
    crc, size = _PIECE.unpack_from(piece)
    try:
        data = zlib.decompressobj(-15).decompress(piece[_PIECE.size:])
    except zlib.error as exc:
        raise ValueError(str(exc)) from None
    if len(data) != size or zlib.crc32(data) != crc:
        raise ValueError("not the piece its header describes")
    return data


def one_sheet(title: str, name: str, header: list[str], pieces) -> bytes:
    """write_one_sheet into memory: the spreadsheet's bytes."""
    out = io.BytesIO()
    write_one_sheet(out, title, name, header, pieces)
    return out.getvalue()


def write_one_sheet(out, title: str, name: str, header: list[str], pieces) -> int:
    """spreadsheet(title, [(name, header, rows)]) written into `out` (a seekable binary file) from the
    rows' XML as deflated pieces (deflated(rows_xml), in order): the same content.xml, whose compressed
    bytes are the pieces joined, so the whole site's sheet is not compressed again after one plan's edit
    (its pieces are kept for unchanged plans). Each piece is written as it comes, and content.xml's
    header is filled in after its last one: 5,000 plans' sheet (60 MB) is never held whole. Its size."""
    chunks = spreadsheet_chunks([(name, header, [])])
    start = next(chunks) + next(chunks)     # the document's start, the table's start and its header row
    end = b"".join(chunks)                  # the table's end, the document's end
    members = [("mimetype", ODS_MIMETYPE.encode("utf-8")), ("styles.xml", _STYLES_XML), ("content.xml", None),
               ("meta.xml", meta_xml(title)), ("META-INF/manifest.xml", manifest_xml(ODS_MIMETYPE))]
    first, central = out.tell(), []
    for member, data in members:
        name_bytes = member.encode("ascii")
        at = out.tell() - first
        if at >= 0xFFFFFFFF:
            raise ValueError("an ODS member past 4 GB")   # zip64 is not written here
        if data is None:   # content.xml: its CRC and sizes are known once its pieces are written
            out.write(_LOCAL.pack(0x04034B50, 20, 0, 8, 0, _DOS_1980, 0, 0, 0, len(name_bytes), 0) + name_bytes)
            member_crc, length, packed = 0, 0, 0
            for piece in itertools.chain([deflated(start)], pieces, [deflated(end)]):
                piece_crc, piece_length = _PIECE.unpack_from(piece)
                member_crc, length = _crc_joined(member_crc, piece_crc, piece_length), length + piece_length
                packed += out.write(memoryview(piece)[_PIECE.size:])
            packed += out.write(zlib.compressobj(6, zlib.DEFLATED, -15).flush())   # the last block, empty
            if length >= 0xFFFFFFFF or packed >= 0xFFFFFFFF:
                raise ValueError("an ODS member past 4 GB")
            after = out.tell()
            out.seek(first + at)
            out.write(_LOCAL.pack(0x04034B50, 20, 0, 8, 0, _DOS_1980, member_crc, packed, length,
                                  len(name_bytes), 0))
            out.seek(after)
            method = 8
        else:
            if member == "mimetype":
                method, body = 0, data
            else:
                compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
                method, body = 8, compressor.compress(data) + compressor.flush()
            member_crc, length, packed = zlib.crc32(data), len(data), len(body)
            out.write(_LOCAL.pack(0x04034B50, 20, 0, method, 0, _DOS_1980, member_crc, packed, length,
                                  len(name_bytes), 0) + name_bytes)
            out.write(body)
        central.append(_CENTRAL.pack(0x02014B50, 0x0314, 20, 0, method, 0, _DOS_1980, member_crc, packed,
                                     length, len(name_bytes), 0, 0, 0, 0, 0o644 << 16, at) + name_bytes)
    offset = out.tell() - first
    for record in central:
        out.write(record)
    out.write(_END.pack(0x06054B50, 0, 0, len(central), len(central), out.tell() - first - offset, offset, 0))
    return out.tell() - first


_PIECE = struct.Struct("<IQ")                       # a deflated piece's CRC-32 and length
_LOCAL = struct.Struct("<IHHHHHIIIHH")              # a zip member's local header, before its name
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")      # its central directory record, before its name
_END = struct.Struct("<IHHHHIIH")                   # the end of the central directory
_DOS_1980 = 0x21                                    # 1980-01-01, the date package() gives every member
_ZEROS = bytearray()


def _crc_joined(crc_a: int, crc_b: int, length_b: int) -> int:
    """CRC-32 of A followed by B from the CRCs of each and B's length (zlib's crc32_combine, which
    Python's zlib lacks): the CRC is affine, so crc(A+B) = crc(B) ^ crc(zeros, crc(A)) ^ crc(zeros)."""
    global _ZEROS
    if len(_ZEROS) < length_b:
        _ZEROS = bytearray(max(length_b, 2 * len(_ZEROS)))
    zeros = memoryview(_ZEROS)[:length_b]
    return crc_b ^ zlib.crc32(zeros, crc_a) ^ zlib.crc32(zeros)


def meta_xml(title: str) -> bytes:
    """meta.xml with the title, language zh-TW and the fixed generator, no dates."""
    title_element = f"<dc:title>{text(title)}</dc:title>" if title else "<dc:title/>"
    return (PROLOGUE + f'<office:document-meta{XMLNS} office:version="1.2"><office:meta>{title_element}'
            "<dc:language>zh-TW</dc:language><meta:generator>plansite</meta:generator></office:meta>"
            "</office:document-meta>").encode("utf-8")


def manifest_xml(mimetype: str) -> bytes:
    entries = [("/", mimetype), ("styles.xml", "text/xml"), ("content.xml", "text/xml"), ("meta.xml", "text/xml")]
    return (PROLOGUE + f"<manifest:manifest{XMLNS}>"
            + "".join(f'<manifest:file-entry manifest:full-path="{path}" manifest:media-type="{media}"/>'
                      for path, media in entries)
            + "</manifest:manifest>").encode("utf-8")


def spreadsheet(title: str, sheets: list[tuple[str, list[str], list[list[str]]]]) -> bytes:
    """The whole .ods package."""
    return package([("mimetype", ODS_MIMETYPE.encode("utf-8")), ("styles.xml", _STYLES_XML),
                    ("content.xml", spreadsheet_chunks(sheets)), ("meta.xml", meta_xml(title)),
                    ("META-INF/manifest.xml", manifest_xml(ODS_MIMETYPE))])


def package(members: list[tuple[str, object]]) -> bytes:
    """An ODF zip: members in the given order, dated 1980-01-01, mimetype stored, the rest deflated.
    A member's data is bytes, or an iterable of bytes written piece by piece (the same zip)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            if isinstance(data, bytes):
                target.writestr(info, data)
                continue
            with target.open(info, "w") as member:
                for piece in data:
                    member.write(piece)
    return out.getvalue()
