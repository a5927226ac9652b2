"""Crafted workbooks for the upload-bomb tests: small files that unpack to tens of megabytes
(millions of cells, or of shared strings), and a ZIP whose declared sizes lie."""
from __future__ import annotations

import io
import struct
import zipfile

NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    b'</Types>')
RELS = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        b'Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (b'<?xml version="1.0"?><workbook ' + NS + b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            b'<sheets><sheet name="Results" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    b'</Relationships>')
SHEET = "xl/worksheets/sheet1.xml"


def workbook(sheet_data: bytes, strings: bytes = b"<si><t>Ward</t></si>") -> bytes:
    """An .xlsx with one sheet whose <sheetData> holds ``sheet_data``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr(SHEET, b"<worksheet " + NS + b"><sheetData>" + sheet_data + b"</sheetData></worksheet>")
        archive.writestr("xl/sharedStrings.xml", b"<sst " + NS + b">" + strings + b"</sst>")
    return buffer.getvalue()


def cells_bomb(rows: int = 600, columns: int = 5000) -> bytes:
    """About 150 KB that unpacks to 66 MB: 3 million cells."""
    row = b"<row>" + b'<c t="s"><v>0</v></c>' * columns + b"</row>"
    return workbook(row * rows)


def strings_bomb(count: int = 3_000_000) -> bytes:
    """About 125 KB that unpacks to 51 MB: 3 million shared strings."""
    return workbook(b'<row><c t="s"><v>0</v></c></row>', b"<si><t>a</t></si>" * count)


def lie_about_size(data: bytes, name: str, size: int) -> bytes:
    """The archive with ``name``'s declared unpacked size set to ``size`` in both its local
    header and the central directory (the bytes themselves unchanged)."""
    out = bytearray(data)
    encoded = name.encode()
    for signature, offset_of_size, offset_of_name in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = out.find(signature)
        while at >= 0:
            length = struct.unpack_from("<H", out, at + offset_of_name - (4 if signature == b"PK\x03\x04" else 18))[0]
            if bytes(out[at + offset_of_name: at + offset_of_name + length]) == encoded:
                struct.pack_into("<I", out, at + offset_of_size, size)
                break
            at = out.find(signature, at + 4)
        else:
            raise AssertionError(f"{name} not found")
    return bytes(out)
