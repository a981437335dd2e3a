"""What an import tells the officer: one catalogue of problems, each in Vietnamese and English.

A message never repeats a personal value from the file (a name, a phone, an ID number): it
names the spreadsheet cell (``C7``) instead, so the preview can be shown, logged or
e-mailed without copying personal data. Only place names (villages, teams, roles) are
quoted, as they are what the officer must correct.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["MESSAGES", "Issue", "Severity", "issue"]

Severity = Literal["error", "warning", "info"]

# code → (severity, Vietnamese, English). Kept together so neither language drifts.
MESSAGES: dict[str, tuple[Severity, str, str]] = {
    # -- the file as a whole ------------------------------------------------------------
    "bad_file": (
        "error",
        "Không đọc được tệp: cần tệp Excel (.xlsx) hoặc CSV.",
        "Cannot read the file: an Excel (.xlsx) or CSV file is needed.",
    ),
    "empty_file": ("error", "Tệp không có dữ liệu.", "The file holds no data."),
    "no_header": (
        "error",
        "Không tìm thấy dòng tiêu đề cột (ví dụ «Họ tên chủ hộ», «Thôn/TDP») trong 30 dòng đầu.",
        "No header row (such as «Họ tên chủ hộ», «Thôn/TDP») in the first 30 rows.",
    ),
    "not_utf8": (
        "warning",
        "Tệp CSV không phải UTF-8; đã đọc theo bảng mã Windows-1258 — hãy kiểm tra dấu.",
        "The CSV file is not UTF-8; read as Windows-1258 — please check the diacritics.",
    ),
    "other_sheets": (
        "info",
        "Chỉ đọc trang «{sheet}»; các trang khác không có bảng phù hợp.",
        "Only sheet «{sheet}» was read; the other sheets hold no matching table.",
    ),
    # -- columns ------------------------------------------------------------------------
    "id_column": (
        "warning",
        "Cột {column} («{header}») chứa số CMND/CCCD: bị từ chối, không đọc và không lưu"
        " (Luật Bảo vệ dữ liệu cá nhân 91/2025; fieldapp không lưu số định danh).",
        "Column {column} («{header}») holds ID-card (CMND/CCCD) numbers: refused, neither"
        " read nor stored (personal-data law 91/2025; fieldapp never stores ID numbers).",
    ),
    "birth_date_column": (
        "warning",
        "Cột {column} («{header}») chứa ngày tháng năm sinh đầy đủ: bị từ chối, không đọc"
        " và không lưu (thu thập tối thiểu theo Luật 91/2025).",
        "Column {column} («{header}») holds full dates of birth: refused, neither read nor"
        " stored (data minimisation, law 91/2025).",
    ),
    "unknown_field": (
        "error",
        "Trường «{label}» không có trong loại danh sách này.",
        "Field «{label}» does not belong to this kind of list.",
    ),
    "unknown_column": (
        "error",
        "Không có cột {column} trong bảng.",
        "There is no column {column} in the table.",
    ),
    "refused_column": (
        "error",
        "Cột {column} đã bị từ chối (số định danh hoặc ngày sinh), không thể dùng cho «{label}».",
        "Column {column} was refused (ID numbers or dates of birth) and cannot be used for"
        " «{label}».",
    ),
    "column_twice": (
        "error",
        "Cột {column} được chọn cho cả «{label}» và «{other}».",
        "Column {column} is chosen for both «{label}» and «{other}».",
    ),
    "field_missing": (
        "error",
        "Chưa chọn cột cho «{label}».",
        "No column chosen for «{label}».",
    ),
    "name_or_address_missing": (
        "error",
        "Cần chọn cột «Họ tên chủ hộ» hoặc «Địa chỉ».",
        "Choose a column for the head of household or the address.",
    ),
    "no_villages": (
        "error",
        "Xã/phường này chưa có thôn/tổ dân phố nào: hãy tạo thôn trước khi nhập hộ.",
        "This ward has no villages yet: create them before importing households.",
    ),
    "no_teams": (
        "error",
        "Xã/phường này chưa có tổ CNSCĐ nào: hãy tạo tổ trước khi nhập thành viên.",
        "This ward has no teams yet: create them before importing members.",
    ),
    # -- rows skipped without a problem --------------------------------------------------
    "subtotal_row": ("info", "Dòng tổng cộng: bỏ qua.", "Subtotal row: skipped."),
    "header_repeat": ("info", "Dòng tiêu đề lặp lại: bỏ qua.", "Repeated header row: skipped."),
    "column_numbers": (
        "info",
        "Dòng đánh số cột: bỏ qua.",
        "Row of column numbers: skipped.",
    ),
    # -- cells --------------------------------------------------------------------------
    "required": ("error", "Bắt buộc nhập.", "Required."),
    "unknown_village": (
        "error",
        "Không có thôn/tổ dân phố «{value}» trong xã/phường; sửa tên hoặc tạo thôn trước.",
        "No village «{value}» in this ward; correct the name or create the village first.",
    ),
    "ambiguous_village": (
        "error",
        "«{value}» khớp nhiều thôn/tổ dân phố ({choices}); ghi rõ hơn.",
        "«{value}» matches several villages ({choices}); be more specific.",
    ),
    "unknown_team": (
        "error",
        "Không có tổ «{value}» trong xã/phường.",
        "No team «{value}» in this ward.",
    ),
    "ambiguous_team": (
        "error",
        "«{value}» khớp nhiều tổ ({choices}); ghi đúng tên tổ.",
        "«{value}» matches several teams ({choices}); write the team's name.",
    ),
    "bad_role": (
        "error",
        "Vai trò «{value}» không rõ: ghi «Tổ trưởng» hoặc «Tổ viên».",
        "Unknown role «{value}»: write «Tổ trưởng» (leader) or «Tổ viên» (member).",
    ),
    "officer_role": (
        "error",
        "Cán bộ xã/tỉnh không nhập qua danh sách: dùng «fieldapp admin create-officer».",
        "Officers are not imported from a list: use «fieldapp admin create-officer».",
    ),
    "id_number_in_cell": (
        "error",
        "Ô này có dạng số CMND/CCCD: không được lưu. Xoá số đó khỏi ô rồi nhập lại.",
        "This cell looks like an ID-card (CMND/CCCD) number, which must not be stored."
        " Remove it and import again.",
    ),
    "birth_date_in_cell": (
        "error",
        "Ô này có ngày tháng năm sinh: không được lưu. Xoá ngày đó khỏi ô rồi nhập lại.",
        "This cell holds a full date (of birth?), which must not be stored. Remove it and"
        " import again.",
    ),
    "phone_warning": ("warning", "{message_vi}", "{message_en}"),
    "several_phones": (
        "warning",
        "Ô có nhiều số điện thoại: chỉ lưu số đầu tiên.",
        "The cell holds several phone numbers: only the first is kept.",
    ),
    "bad_count": (
        "error",
        "Số nhân khẩu phải là số nguyên từ 1 đến 30.",
        "The number of people must be a whole number from 1 to 30.",
    ),
    "too_long": ("error", "Quá dài: tối đa {max} ký tự.", "Too long: at most {max} characters."),
    "invalid": ("error", "{message_vi}", "{message_en}"),
    "duplicate_row": (
        "warning",
        "Trùng hoàn toàn với dòng {other}: bỏ qua.",
        "Exactly the same as row {other}: skipped.",
    ),
    "same_household_twice": (
        "error",
        "Cùng hộ với dòng {other} (cùng thôn, chủ hộ và địa chỉ) nhưng khác thông tin;"
        " giữ một dòng.",
        "The same household as row {other} (village, head and address) with other details;"
        " keep one row.",
    ),
    "same_record_twice": (
        "error",
        "Dòng này và dòng {other} cùng khớp một bản ghi đã có trên máy chủ; giữ một dòng.",
        "This row and row {other} both match the same record on the server; keep one row.",
    ),
    "same_member_twice": (
        "error",
        "Cùng thành viên với dòng {other} (cùng tên và tổ) nhưng khác thông tin; giữ một dòng.",
        "The same member as row {other} (name and team) with other details; keep one row.",
    ),
    "deleted_on_server": (
        "warning",
        "Hộ này đã bị xoá trên máy chủ: không khôi phục.",
        "This household was deleted on the server: not restored.",
    ),
    "not_in_ward": (
        "error",
        "Thành viên này thuộc xã/phường khác; không chuyển qua nhập danh sách.",
        "This member belongs to another ward; not moved by an import.",
    ),
}


@dataclass(frozen=True)
class Issue:
    """One problem (or note) of an import, by spreadsheet row and column where it has one.

    ``row`` is the row number the spreadsheet shows (1-based), ``column`` its letter;
    both are None for problems of the whole file or mapping.
    """

    code: str
    severity: Severity
    message_vi: str
    message_en: str
    row: int | None = None
    column: str | None = None
    field: str | None = None

    @property
    def cell(self) -> str:
        """``C7``, ``row 7``, ``column C`` or ``""`` (the whole file)."""
        if self.row is not None and self.column:
            return f"{self.column}{self.row}"
        if self.row is not None:
            return str(self.row)
        return self.column or ""

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "message_vi": self.message_vi,
            "message_en": self.message_en,
        }


def issue(
    code: str,
    *,
    row: int | None = None,
    column: str | None = None,
    field: str | None = None,
    **fmt: Any,
) -> Issue:
    """An :class:`Issue` from the catalogue, formatted with ``fmt``."""
    severity, vi, en = MESSAGES[code]
    # The cell's own column letter may appear in the text too.
    fmt.setdefault("column", column)
    return Issue(code, severity, vi.format(**fmt), en.format(**fmt), row, column, field)
