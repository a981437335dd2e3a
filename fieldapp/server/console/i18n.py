"""Every string of the officers' console, Vietnamese first, English second.

The same shape as the phone app's catalogue (:mod:`fieldapp.ui.i18n`, which the server
may not import): one table, so neither language drifts. Downloads always use the
Vietnamese headings.

>>> t("nav_overview")
'Tổng quan'
>>> t("n_rows", "en", n=3)
'3 rows'
"""

from __future__ import annotations

from fieldapp.coverage import DATA_LABEL_EN, DATA_LABEL_VI

__all__ = ["LANGS", "STRINGS", "lang_of", "t"]

LANGS = ("vi", "en")

# key → (Vietnamese, English).
STRINGS: dict[str, tuple[str, str]] = {
    "console": ("Trang quản trị", "Officers' console"),
    "app_name": ("fieldapp – Tổ công nghệ số cộng đồng", "fieldapp – community digital teams"),
    "data_label": (DATA_LABEL_VI, DATA_LABEL_EN),
    "skip": ("Bỏ qua đến nội dung", "Skip to content"),
    "switch_lang": ("English", "Tiếng Việt"),
    # navigation
    "nav_overview": ("Tổng quan", "Overview"),
    "nav_villages": ("Thôn/Tổ dân phố", "Villages"),
    "nav_teams": ("Tổ CNSCĐ", "Teams"),
    "nav_members": ("Thành viên", "Members"),
    "nav_followups": ("Hẹn quay lại", "Follow-ups"),
    "nav_report": ("Báo cáo", "Report"),
    "nav_review": ("Rà soát", "Review"),
    "nav_devices": ("Thiết bị & phiên", "Devices & sessions"),
    "nav_audit": ("Nhật ký", "Audit log"),
    "nav_import": ("Nhập danh sách", "Import lists"),
    "menu": ("Danh mục", "Menu"),
    # sign-in
    "sign_in": ("Đăng nhập", "Sign in"),
    "sign_in_title": ("Đăng nhập trang quản trị", "Sign in to the console"),
    "sign_in_intro": (
        "Nhập mã dùng một lần (8 ký tự) do cán bộ cấp trên cấp, hoặc in bằng lệnh "
        "«fieldapp admin create-officer» / «issue-code». Mã chỉ dùng được một lần, hết hạn "
        "sau 48 giờ.",
        "Enter the one-time code (8 characters) your supervising officer gave you, or one "
        "printed by «fieldapp admin create-officer» / «issue-code». A code works once and "
        "expires after 48 hours.",
    ),
    "code": ("Mã dùng một lần", "One-time code"),
    "bad_code": (
        "Mã không đúng, đã dùng hoặc đã hết hạn. Kiểm tra lại, hoặc xin mã mới.",
        "The code is wrong, already used or expired. Check it, or ask for a new one.",
    ),
    "code_missing": ("Cần nhập mã.", "Enter the code."),
    "too_many": (
        "Nhập sai mã quá nhiều lần. Hãy đợi {minutes} phút rồi thử lại.",
        "Too many wrong codes. Wait {minutes} min and try again.",
    ),
    "session_gone": (
        "Phiên đăng nhập đã hết hạn hoặc đã bị thu hồi. Hãy đăng nhập lại.",
        "Your session expired or was revoked. Sign in again.",
    ),
    "signed_out": ("Đã đăng xuất.", "Signed out."),
    "sign_out": ("Đăng xuất", "Sign out"),
    "cross_site": (
        "Yêu cầu bị từ chối: không gửi từ trang quản trị này (bảo vệ chống giả mạo). "
        "Hãy mở lại trang rồi thử lại.",
        "Request refused: it did not come from this console (forgery protection). Reload "
        "the page and try again.",
    ),
    "signed_in_as": ("{name} · {role}", "{name} · {role}"),
    "role_member": ("tổ viên", "member"),
    "role_leader": ("tổ trưởng", "team leader"),
    "role_officer": ("cán bộ", "officer"),
    "scope_province": ("Toàn tỉnh", "Whole province"),
    "scope_team": ("Tổ {name}", "Team {name}"),
    # common
    "period": ("Kỳ", "Period"),
    "period_campaign": ("Chiến dịch", "Campaign"),
    "period_last_4_weeks": ("4 tuần qua", "Last 4 weeks"),
    "period_this_month": ("Tháng này", "This month"),
    "period_custom": ("Tự chọn", "Custom"),
    "date_from": ("Từ ngày", "From"),
    "date_to": ("Đến ngày", "To"),
    "date_hint": ("dd/mm/yyyy", "dd/mm/yyyy"),
    "bad_date": (
        "Ngày phải viết dạng dd/mm/yyyy, ngày kết thúc không trước ngày bắt đầu, kỳ tối đa 3 "
        "năm. Đang hiển thị kỳ mặc định.",
        "Dates are dd/mm/yyyy, the end not before the start, at most 3 years. Showing the "
        "default period.",
    ),
    "show": ("Xem", "Show"),
    "ward": ("Xã/phường", "Ward"),
    "all_wards": ("Cả tỉnh", "Whole province"),
    "choose_ward": ("Chọn xã/phường để xem chi tiết.", "Choose a ward for the details."),
    "search": ("Tìm (không cần dấu)", "Search (accents optional)"),
    "search_button": ("Tìm", "Search"),
    "clear": ("Xóa lọc", "Clear"),
    "download": ("Tải về", "Download"),
    "n_rows": ("{n} dòng", "{n} rows"),
    "no_rows": ("Không có dòng nào.", "No rows."),
    "no_data": ("không có số liệu", "no data"),
    "sort_by": ("Sắp xếp theo {col}", "Sort by {col}"),
    "page_prev": ("← Trang trước", "← Previous"),
    "page_next": ("Trang sau →", "Next →"),
    "save": ("Lưu", "Save"),
    "cancel": ("Hủy", "Cancel"),
    "actions": ("Thao tác", "Actions"),
    "yes": ("có", "yes"),
    "no": ("không", "no"),
    "never": ("chưa bao giờ", "never"),
    "not_found": ("Không tìm thấy trang hoặc mục này.", "Page or item not found."),
    "forbidden": ("Bạn không có quyền làm việc này.", "You may not do this."),
    "error": ("Có lỗi", "Something went wrong"),
    "fix_below": ("Chưa lưu được: {message}", "Not saved: {message}"),
    "back_overview": ("Về trang tổng quan", "Back to the overview"),
    "done": ("Đã lưu.", "Saved."),
    # overview
    "overview_title": ("Tổng quan chiến dịch", "Campaign overview"),
    "indicators": ("Chỉ tiêu chiến dịch", "Campaign indicators"),
    "target": ("chỉ tiêu", "target"),
    "reached": ("đạt", "reached"),
    "of_target": ("{pct} chỉ tiêu", "{pct} of target"),
    "indicator_line": (
        "Đạt {value} · chỉ tiêu {target} · {num}/{den}",
        "{value} · target {target} · {num}/{den}",
    ),
    "households_total": ("Tổng số hộ", "Households"),
    "households_visited": ("Hộ đã thăm", "Households reached"),
    "visited_share": ("Tỷ lệ hộ đã thăm", "Share reached"),
    "gap": ("Còn phải thăm (hộ)", "Still to reach"),
    "visits": ("Lượt thăm", "Visits"),
    "people_guided": ("Người được hướng dẫn", "People guided"),
    "dossiers_online": ("Hồ sơ trực tuyến", "Online dossiers"),
    "dossiers_full_online": ("Hồ sơ toàn trình", "Full-online dossiers"),
    "fees_paid_online": ("Thanh toán phí trực tuyến", "Fees paid online"),
    "follow_ups_due": ("Hẹn quay lại đến hạn", "Follow-ups due"),
    "follow_ups_overdue": ("Quá hẹn", "Overdue"),
    "weekly": ("Theo tuần", "Week by week"),
    "week_of": ("Tuần từ", "Week of"),
    "weekly_per_ward": (
        "Chọn một xã/phường để xem số liệu theo tuần.",
        "Choose a ward to see the figures week by week.",
    ),
    "weekly_chart": (
        "Lượt thăm (cột) và hộ đã thăm mỗi tuần",
        "Visits (bars) and households reached each week",
    ),
    "wards_table": ("Các xã/phường", "Wards"),
    "villages_table": ("Độ phủ theo thôn/tổ dân phố", "Coverage by village"),
    "teams_table": ("Độ phủ theo tổ", "Coverage by team"),
    "members_table": ("Hoạt động theo thành viên", "Activity by member"),
    "followups_table": ("Hẹn quay lại theo thôn", "Follow-ups by village"),
    "see_all": ("Xem tất cả", "See all"),
    # villages
    "village": ("Thôn/Tổ dân phố", "Village"),
    "kind": ("Loại", "Kind"),
    "team": ("Tổ CNSCĐ", "Team"),
    "no_team": ("chưa có tổ", "no team"),
    "retired": ("đã thôi dùng", "retired"),
    "state": ("Trạng thái", "State"),
    "active": ("đang dùng", "active"),
    "add_village": ("Thêm thôn/tổ dân phố", "Add a village"),
    "rename": ("Đổi tên", "Rename"),
    "retire": ("Thôi dùng", "Retire"),
    "retire_hint": (
        "Chỉ thôi dùng được thôn không còn hộ và không thuộc tổ nào.",
        "Only a village with no households and no team can be retired.",
    ),
    "name": ("Tên", "Name"),
    "gap_list": ("Hộ chưa thăm, vắng nhà hoặc đến hẹn", "Households to visit next"),
    "head_name": ("Chủ hộ", "Head of household"),
    "address": ("Địa chỉ", "Address"),
    "reason": ("Lý do", "Reason"),
    "last_visit": ("Lần thăm cuối", "Last visit"),
    "follow_up_on": ("Hẹn ngày", "Follow-up on"),
    # teams
    "add_team": ("Thêm tổ", "Add a team"),
    "edit_team": ("Sửa tổ", "Edit team"),
    "team_villages": ("Thôn/tổ dân phố của tổ", "The team's villages"),
    "team_villages_hint": (
        "Một thôn chỉ thuộc một tổ: chọn thôn đang thuộc tổ khác sẽ chuyển thôn sang tổ này.",
        "A village has one team: choosing one of another team moves it to this team.",
    ),
    "members_n": ("Số thành viên", "Members"),
    "qr_sheet": ("In mã QR đăng ký cả tổ (A4)", "Print the team's enrolment QR codes (A4)"),
    "qr_sheet_hint": (
        "Cấp mã mới (48 giờ) cho mọi thành viên đang hoạt động của tổ và in ra một trang A4. "
        "Mã cũ chưa dùng vẫn còn hiệu lực đến khi hết hạn.",
        "Issues a new code (48 h) for every active member of the team, on one A4 sheet. "
        "Unused older codes stay valid until they expire.",
    ),
    "qr_sheet_title": ("Mã đăng ký điện thoại – {team}", "Phone enrolment codes – {team}"),
    "qr_scan": (
        "Mở ứng dụng fieldapp, chọn «Đăng ký», quét mã QR hoặc nhập mã. Dùng một lần, "
        "hết hạn {when}.",
        "Open fieldapp, choose «Enrol», scan the QR code or type the code. One use, "
        "expires {when}.",
    ),
    "qr_no_https": (
        "Máy chủ không chạy https nên không in được mã QR; thành viên nhập địa chỉ máy chủ và mã.",
        "The server is not on https, so no QR codes: members type the server address and code.",
    ),
    "print": ("In trang này", "Print this page"),
    # members
    "member": ("Thành viên", "Member"),
    "role": ("Vai trò", "Role"),
    "phone": ("Điện thoại", "Phone"),
    "add_member": ("Thêm thành viên", "Add a member"),
    "edit_member": ("Sửa thành viên", "Edit member"),
    "move_team": ("Chuyển sang tổ", "Move to team"),
    "move": ("Chuyển", "Move"),
    "deactivate": ("Ngừng hoạt động", "Deactivate"),
    "deactivate_hint": (
        "Thu hồi ngay mọi thiết bị, phiên đăng nhập và mã chưa dùng của người này. Số liệu đã "
        "ghi vẫn giữ.",
        "Revokes their devices, sessions and unused codes at once. Their records stay.",
    ),
    "deactivated": ("đã ngừng", "deactivated"),
    "devices_n": ("Thiết bị", "Devices"),
    "last_seen": ("Đồng bộ lần cuối", "Last sync"),
    "issue_code": ("Cấp mã dùng một lần", "Issue a one-time code"),
    "issued_code": (
        "Mã dùng một lần cho {name}: {code} (hết hạn {when}). Mã chỉ hiện một lần; đọc cho "
        "người nhận hoặc ghi lại ngay.",
        "One-time code for {name}: {code} (expires {when}). Shown only once: read it out or "
        "note it now.",
    ),
    "officer_ward": ("Phụ trách xã/phường", "Ward in charge"),
    "add_officer": ("Thêm cán bộ xã/phường", "Add a ward officer"),
    "add_leader_hint": (
        "Tổ trưởng đăng nhập trang quản trị bằng mã dùng một lần cấp ở trang thành viên.",
        "A team leader signs in with a one-time code issued on the member's page.",
    ),
    # follow-ups
    "followups_title": ("Hộ cần quay lại", "Households to call back on"),
    # report
    "report_title": ("Báo cáo gửi cấp trên", "Report to send upward"),
    "report_intro": (
        "Bảng xếp theo mẫu báo cáo của xã: quốc hiệu, tiêu đề, kỳ báo cáo, STT, dòng tổng cộng, "
        "tỷ lệ phần trăm, chỗ ký. Tệp XLSX đã đặt khổ A4 ngang.",
        "Laid out as a commune report: national heading, title, period, row numbers, a "
        "totals row, percentages, signatures. The XLSX prints on A4 landscape.",
    ),
    "report_choose_ward": ("Chọn xã/phường để lập báo cáo.", "Choose a ward for its report."),
    # review
    "review_title": ("Rà soát bản ghi", "Review records"),
    "quarantine": ("Bản ghi bị giữ lại", "Records held back"),
    "conflicts": ("Xung đột khi sửa hộ", "Household edit conflicts"),
    "received": ("Nhận lúc", "Received"),
    "record": ("Bản ghi", "Record"),
    "field": ("Trường", "Field"),
    "value_server": ("Giá trị trước", "Earlier value"),
    "value_device": ("Giá trị sau (đang dùng)", "Later value (current)"),
    "keep_server": ("Giữ giá trị trước", "Keep the earlier value"),
    "keep_device": ("Giữ giá trị sau", "Keep the later value"),
    "acknowledge": ("Đã xem", "Acknowledge"),
    "dismiss": ("Bỏ qua", "Dismiss"),
    "note": ("Ghi chú (bắt buộc)", "Note (required)"),
    "soft": ("sửa khác trường", "different fields"),
    "field_head_name": ("Tên chủ hộ", "Head of household"),
    "field_address_detail": ("Địa chỉ", "Address"),
    "field_phone": ("Điện thoại", "Phone"),
    "field_members_count": ("Số nhân khẩu", "People in the household"),
    "field_village_id": ("Thôn/tổ dân phố", "Village"),
    "field_deleted": ("Đã xóa", "Deleted"),
    "hard": ("cùng sửa một trường", "same field"),
    "nothing_to_review": ("Không có gì cần rà soát.", "Nothing to review."),
    "entity_household": ("hộ", "household"),
    "entity_visit": ("lượt thăm", "visit"),
    # devices
    "devices_title": ("Điện thoại đã đăng ký", "Enrolled phones"),
    "sessions_title": ("Phiên đăng nhập trang quản trị", "Console sessions"),
    "enrolled_at": ("Đăng ký lúc", "Enrolled"),
    "started_at": ("Bắt đầu", "Started"),
    "last_used": ("Dùng lần cuối", "Last used"),
    "browser": ("Trình duyệt", "Browser"),
    "revoke": ("Thu hồi", "Revoke"),
    "revoked": ("đã thu hồi", "revoked"),
    "expired": ("hết hạn", "expired"),
    "this_session": ("phiên này", "this session"),
    # audit
    "audit_title": ("Nhật ký quản trị", "Audit log"),
    "audit_intro": (
        "Mọi thao tác quản trị: ai, làm gì, lúc nào, trước → sau.",
        "Every administrative action: who, what, when, before → after.",
    ),
    "when": ("Lúc", "When"),
    "who": ("Người làm", "Who"),
    "what": ("Việc", "Action"),
    "object": ("Đối tượng", "Object"),
    "before": ("Trước", "Before"),
    "after": ("Sau", "After"),
    "command_line": ("dòng lệnh máy chủ", "server command line"),
    # import (built by another part; the page is a placeholder here)
    "import_title": ("Nhập danh sách hộ và thành viên", "Import household and member lists"),
    "import_coming": (
        "Trang nhập danh sách từ Excel/CSV đang được hoàn thiện. Trong lúc chờ, dùng lệnh "
        "«fieldapp admin import-households» trên máy chủ.",
        "Importing lists from Excel/CSV is coming. Meanwhile use «fieldapp admin "
        "import-households» on the server.",
    ),
}

# Audit actions → (Vietnamese, English).
ACTIONS: dict[str, tuple[str, str]] = {
    "session_started": ("đăng nhập trang quản trị", "signed in to the console"),
    "session_ended": ("đăng xuất", "signed out"),
    "session_revoked": ("thu hồi phiên đăng nhập", "revoked a console session"),
    "village_created": ("tạo thôn/tổ dân phố", "created a village"),
    "village_renamed": ("đổi tên thôn/tổ dân phố", "renamed a village"),
    "village_retired": ("thôi dùng thôn/tổ dân phố", "retired a village"),
    "team_created": ("tạo tổ", "created a team"),
    "team_updated": ("sửa tổ", "changed a team"),
    "member_created": ("thêm thành viên", "added a member"),
    "member_updated": ("sửa thành viên", "changed a member"),
    "member_moved": ("chuyển tổ", "moved a member"),
    "member_deactivated": ("ngừng hoạt động thành viên", "deactivated a member"),
    "code_issued": ("cấp mã dùng một lần", "issued a one-time code"),
    "device_revoked": ("thu hồi thiết bị", "revoked a device"),
    "conflict_resolved": ("xử lý xung đột", "resolved a conflict"),
    "quarantine_dismissed": ("bỏ qua bản ghi bị giữ lại", "dismissed a held-back record"),
}


def t(key: str, lang: str = "vi", **fmt: object) -> str:
    """The string for ``key`` in ``lang`` (Vietnamese unless ``"en"``), formatted."""
    vi, en = STRINGS[key]
    text = en if lang == "en" else vi
    return text.format(**fmt) if fmt else text


def action_text(action: str, lang: str = "vi") -> str:
    vi, en = ACTIONS.get(action, (action, action))
    return en if lang == "en" else vi


def lang_of(value: str | None) -> str:
    """The cookie's language, Vietnamese unless it says ``en``."""
    return "en" if value == "en" else "vi"
