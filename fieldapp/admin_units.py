"""Import a province's wards (2025 NSO codes) from a source file into ``data/wards/``.

Accepted sources, detected by content:

* the ``vietnam-provinces`` wheel (a zip) — its ``nested-divisions.json`` is read
  without installing the package (it needs Python ≥ 3.12; we extract facts, not code);
* that JSON extracted on its own (a list of provinces, each with ``wards``), or a file
  already in our data format (``{"province": …, "wards": […]}``);
* a CSV with the header ``code,name,kind`` holding one province's units.

The output is our data format: a ``provenance`` block, ``province`` and ``wards`` whose
names are NFC and carry no kind prefix (``"Sông Trí"``, kind ``"phường"``).

>>> split_kind("Phường Sông Trí")
('phường', 'Sông Trí')
>>> normalize_province_code("1")
'01'
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from fieldapp.domain.model import Ward
from fieldapp.text import nfc

__all__ = [
    "KINDS",
    "AdminUnitsError",
    "ProvinceUnits",
    "Source",
    "build_document",
    "import_wards",
    "kind_counts",
    "normalize_province_code",
    "read_source",
    "split_kind",
    "write_document",
]

KINDS: tuple[str, ...] = ("xã", "phường", "đặc khu")
WHEEL_MEMBER = "vietnam_provinces/data/nested-divisions.json"
LICENCE_NOTE = (
    "The source package is licensed {licence}. Only facts are extracted — administrative unit "
    "names and their 2025 NSO codes, which are public facts; no code or other expression of "
    "the package is copied."
)
# Province-level prefixes dropped from names ("Tỉnh Hà Tĩnh" → "Hà Tĩnh").
_PROVINCE_PREFIXES = ("thành phố", "tỉnh")
_DIGITS = re.compile(r"^\d+$")


class AdminUnitsError(ValueError):
    """A source that cannot be imported; carries a Vietnamese and an English message."""

    def __init__(self, message_vi: str, message_en: str):
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en


@dataclass(frozen=True)
class ProvinceUnits:
    """One province and its commune-level units, in source order."""

    code: str
    name: str
    wards: tuple[Ward, ...]


@dataclass(frozen=True)
class Source:
    """Everything read from a source file: provinces by code plus where they came from."""

    provinces: dict[str, ProvinceUnits]
    provenance: dict[str, str]


def normalize_province_code(raw: str | int) -> str:
    """Return the two-digit province code (``"1"`` → ``"01"``) or raise AdminUnitsError."""
    text = nfc(str(raw))
    if not _DIGITS.match(text) or len(text) > 2 or int(text) == 0:
        raise AdminUnitsError(
            f"Mã tỉnh không hợp lệ: {text!r} (cần 1–2 chữ số, ví dụ 42).",
            f"Invalid province code: {text!r} (1–2 digits expected, e.g. 42).",
        )
    return text.zfill(2)


def _ward_code(raw: Any, where: str) -> str:
    text = nfc(str(raw)) if raw is not None else ""
    if not _DIGITS.match(text) or len(text) > 5:
        raise AdminUnitsError(
            f"{where}: mã đơn vị không hợp lệ {text!r} (cần tối đa 5 chữ số).",
            f"{where}: invalid unit code {text!r} (at most 5 digits expected).",
        )
    return text.zfill(5)


def split_kind(name: str) -> tuple[str | None, str]:
    """Split a leading kind (xã / phường / đặc khu, any case) off a unit name.

    >>> split_kind("xã Bắc Sơn")
    ('xã', 'Bắc Sơn')
    >>> split_kind("Bắc Sơn")
    (None, 'Bắc Sơn')
    """
    clean = nfc(name)
    lowered = clean.lower()
    for kind in KINDS:
        if lowered.startswith(kind + " ") and len(clean) > len(kind) + 1:
            return kind, clean[len(kind) + 1 :].strip()
    return None, clean


def _province_name(name: str) -> str:
    clean = nfc(name)
    for prefix in _PROVINCE_PREFIXES:
        if clean.lower().startswith(prefix + " "):
            return clean[len(prefix) + 1 :].strip()
    return clean


def _make_ward(code: Any, name: Any, kind: Any, province_code: str, where: str) -> Ward:
    ward_code = _ward_code(code, where)
    if not isinstance(name, str) or not nfc(name):
        raise AdminUnitsError(
            f"{where}: thiếu tên đơn vị (mã {ward_code}).",
            f"{where}: unit name missing (code {ward_code}).",
        )
    prefix_kind, bare = split_kind(name)
    given_kind = nfc(kind).lower() if isinstance(kind, str) else ""
    final_kind = given_kind or prefix_kind
    if final_kind not in KINDS:
        raise AdminUnitsError(
            f"{where}: loại đơn vị không hợp lệ {kind!r} cho {nfc(name)!r} "
            f"(chọn một trong: {', '.join(KINDS)}).",
            f"{where}: invalid unit kind {kind!r} for {nfc(name)!r} "
            f"(choose one of: {', '.join(KINDS)}).",
        )
    return Ward(code=ward_code, name=bare, kind=final_kind, province_code=province_code)


def _bad_file(path: Path, why_vi: str, why_en: str) -> AdminUnitsError:
    return AdminUnitsError(
        f"Không đọc được tệp {path.name}: {why_vi}", f"Cannot read file {path.name}: {why_en}"
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _provinces_from_nested(doc: Any, path: Path) -> dict[str, ProvinceUnits]:
    """The package's ``nested-divisions.json``: a list of provinces, each with ``wards``."""
    if not isinstance(doc, list) or not all(
        isinstance(p, Mapping) and "code" in p and isinstance(p.get("wards"), list) for p in doc
    ):
        raise _bad_file(
            path,
            "không đúng cấu trúc (cần danh sách tỉnh, mỗi tỉnh có 'code', 'name', 'wards').",
            "unexpected structure (a list of provinces with 'code', 'name', 'wards' expected).",
        )
    provinces: dict[str, ProvinceUnits] = {}
    for p in doc:
        code = normalize_province_code(p["code"])
        where = f"{path.name}, tỉnh {code}"
        wards = tuple(
            _make_ward(w.get("code"), w.get("name"), w.get("division_type"), code, where)
            for w in p["wards"]
            if isinstance(w, Mapping)
        )
        provinces[code] = ProvinceUnits(code, _province_name(str(p.get("name", ""))), wards)
    return provinces


def _provinces_from_ours(doc: Mapping[str, Any], path: Path) -> dict[str, ProvinceUnits]:
    """A file already in our data format (re-importing normalises it)."""
    province = doc.get("province")
    if not isinstance(province, Mapping) or not isinstance(doc.get("wards"), list):
        raise _bad_file(
            path,
            "thiếu 'province' hoặc 'wards'.",
            "'province' or 'wards' missing.",
        )
    code = normalize_province_code(province.get("code", ""))
    wards = tuple(
        _make_ward(w.get("code"), w.get("name"), w.get("kind"), code, path.name)
        for w in doc["wards"]
        if isinstance(w, Mapping)
    )
    return {code: ProvinceUnits(code, _province_name(str(province.get("name", ""))), wards)}


def _read_wheel(path: Path) -> Source:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            member = next((n for n in names if n.endswith("nested-divisions.json")), None)
            if member is None:
                raise _bad_file(
                    path,
                    f"tệp nén không chứa {WHEEL_MEMBER}.",
                    f"the archive does not contain {WHEEL_MEMBER}.",
                )
            doc = json.loads(archive.read(member).decode("utf-8"))
            meta_name = next((n for n in names if n.endswith(".dist-info/METADATA")), None)
            meta = archive.read(meta_name).decode("utf-8") if meta_name else ""
    except (zipfile.BadZipFile, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad_file(path, f"tệp nén hỏng ({exc}).", f"corrupt archive ({exc}).") from exc
    fields = dict(
        line.split(": ", 1) for line in meta.splitlines() if ": " in line and line[0] != " "
    )
    package = fields.get("Name", "vietnam-provinces")
    version = fields.get("Version", "unknown")
    licence = fields.get("License-Expression") or fields.get("License") or "unknown"
    provenance = {
        "source": f"{package} {version} (PyPI package): {member} inside the wheel",
        "package": package,
        "version": version,
        "file": path.name,
        "sha256": _sha256(path),
        "licence": LICENCE_NOTE.format(licence=licence),
    }
    return Source(_provinces_from_nested(doc, path), provenance)


def _read_json(path: Path) -> Source:
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad_file(path, f"JSON không hợp lệ ({exc}).", f"invalid JSON ({exc}).") from exc
    provinces = (
        _provinces_from_ours(doc, path)
        if isinstance(doc, Mapping)
        else _provinces_from_nested(doc, path)
    )
    provenance = {"source": f"JSON file {path.name}", "file": path.name, "sha256": _sha256(path)}
    if isinstance(doc, Mapping) and isinstance(doc.get("provenance"), Mapping):
        # Re-importing our own file: keep where its facts originally came from.
        provenance = {**{k: str(v) for k, v in doc["provenance"].items()}, **provenance}
        provenance["source"] = str(doc["provenance"].get("source", provenance["source"]))
    return Source(provinces, provenance)


def _read_csv(path: Path, province_code: str, province_name: str | None) -> Source:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _bad_file(path, "không phải UTF-8.", "not UTF-8.") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [nfc(h).lower() for h in reader.fieldnames or []]
    if not {"code", "name"} <= set(header):
        raise _bad_file(
            path,
            "CSV cần dòng tiêu đề có các cột code,name,kind.",
            "the CSV needs a header row with columns code,name,kind.",
        )
    reader.fieldnames = header
    wards = tuple(
        _make_ward(
            row.get("code"),
            row.get("name"),
            row.get("kind"),
            province_code,
            f"{path.name}, dòng {line}",
        )
        for line, row in enumerate(reader, start=2)
        if any((v or "").strip() for v in row.values() if isinstance(v, str))
    )
    if not province_name:
        raise AdminUnitsError(
            "Tệp CSV không có tên tỉnh: hãy thêm --province-name.",
            "A CSV file has no province name: add --province-name.",
        )
    provenance = {"source": f"CSV file {path.name}", "file": path.name, "sha256": _sha256(path)}
    return Source(
        {province_code: ProvinceUnits(province_code, nfc(province_name), wards)}, provenance
    )


def read_source(
    path: Path | str, *, province_code: str | None = None, province_name: str | None = None
) -> Source:
    """Read a wheel, a JSON or a CSV source (see module docstring).

    ``province_code`` is needed for a CSV (its rows carry no province); ``province_name``
    names the province for a CSV and overrides the source's name otherwise.
    """
    path = Path(path)
    code = normalize_province_code(province_code) if province_code is not None else None
    if not path.is_file():
        raise AdminUnitsError(
            f"Không tìm thấy tệp nguồn: {path}.", f"Source file not found: {path}."
        )
    if zipfile.is_zipfile(path):
        source = _read_wheel(path)
    elif path.suffix.lower() == ".csv":
        if code is None:
            raise AdminUnitsError("Tệp CSV cần --province.", "A CSV file needs --province.")
        source = _read_csv(path, code, province_name)
    else:
        source = _read_json(path)
    if province_name:
        source = Source(
            {
                c: ProvinceUnits(p.code, nfc(province_name), p.wards) if c == code else p
                for c, p in source.provinces.items()
            },
            source.provenance,
        )
    return source


def _check_units(units: ProvinceUnits) -> None:
    if not units.wards:
        raise AdminUnitsError(
            f"Tỉnh {units.code} không có đơn vị cấp xã nào trong tệp nguồn.",
            f"Province {units.code} has no commune-level units in the source.",
        )
    dupes = sorted(c for c, n in Counter(w.code for w in units.wards).items() if n > 1)
    if dupes:
        raise AdminUnitsError(
            f"Mã đơn vị bị trùng: {', '.join(dupes)}.", f"Duplicate unit codes: {', '.join(dupes)}."
        )
    if not units.name:
        raise AdminUnitsError(
            f"Thiếu tên tỉnh {units.code}: hãy thêm --province-name.",
            f"Province {units.code} has no name: add --province-name.",
        )


def kind_counts(wards: Iterable[Ward]) -> dict[str, int]:
    """Units per kind, in :data:`KINDS` order, omitting kinds with none."""
    counts = Counter(w.kind for w in wards)
    return {k: counts[k] for k in KINDS if counts[k]}


def build_document(
    units: ProvinceUnits, provenance: Mapping[str, str], extracted_on: date
) -> dict[str, Any]:
    """The data-format document for one province (``data/wards/<code>.json``)."""
    _check_units(units)
    return {
        "provenance": {
            **provenance,
            "extracted": extracted_on.isoformat(),
            "notes": (
                "Commune-level units (xã, phường, đặc khu) since 1 July 2025. Codes are the NSO "
                "codes, zero-padded to 5 digits; names are NFC without the kind prefix. "
                "Written by `fieldapp import-wards`."
            ),
        },
        "province": {"code": units.code, "name": units.name},
        "wards": [{"code": w.code, "name": w.name, "kind": w.kind} for w in units.wards],
    }


def write_document(doc: Mapping[str, Any], out: Path | str, *, indent: int | None = 1) -> None:
    """Write JSON atomically (temporary file, then rename) so a failure leaves no half file.

    Any JSON document can be written this way; the demo-data command uses it too.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # A plain open() (not mkstemp) so the file gets the usual permissions from the umask.
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(doc, fh, ensure_ascii=False, indent=indent)
            fh.write("\n")
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def import_wards(
    source_path: Path | str,
    province: str,
    out: Path | str,
    *,
    province_name: str | None = None,
    extracted_on: date | None = None,
) -> dict[str, Any]:
    """Read ``source_path``, pick ``province`` and write its document to ``out``.

    Returns the document written. Raises :class:`AdminUnitsError` (nothing written).
    """
    code = normalize_province_code(province)
    source = read_source(source_path, province_code=code, province_name=province_name)
    units = source.provinces.get(code)
    if units is None:
        known = ", ".join(sorted(source.provinces))
        raise AdminUnitsError(
            f"Không có tỉnh/thành phố mã {code} trong tệp nguồn (có: {known}).",
            f"No province with code {code} in the source (available: {known}).",
        )
    doc = build_document(units, source.provenance, extracted_on or date.today())
    write_document(doc, out)
    return doc
