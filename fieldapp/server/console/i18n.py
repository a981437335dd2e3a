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
    "results_received": ("Hồ sơ đã có kết quả", "Results received"),
    "dossiers_refused": ("Hồ sơ bị từ chối", "Refused"),
    "dossiers_needs_papers": ("Cần bổ sung giấy tờ", "Need more papers"),
    "dossiers_waiting": ("Đang chờ kết quả", "Waiting for a result"),
    "dossiers_overdue": ("Quá hạn giải quyết", "Past their processing time"),
    "fees_awaiting": ("Chờ nộp phí", "Fee awaited"),
    "dossier_fees_paid_online": ("Đã nộp phí trực tuyến", "Fee paid online"),
    "dossier_fees_verified": ("Nộp phí đã xác minh", "Fee paid, verified"),
    "full_online_share": ("Tỷ lệ toàn trình", "Full-online share"),
    "result_share": ("Tỷ lệ có kết quả", "Result share"),
    "procedure": ("Thủ tục", "Procedure"),
    "procedure_code": ("Mã thủ tục", "Procedure code"),
    "processing_days": ("Thời hạn (ngày làm việc)", "Processing time (working days)"),
    "nav_procedures": ("Hồ sơ theo thủ tục", "Dossiers by procedure"),
    "procedures_title": ("Hồ sơ theo thủ tục", "Dossiers by procedure"),
    "procedures_table": (
        "Hồ sơ nộp trong kỳ và kết quả",
        "Dossiers submitted in the period and how they went",
    ),
    "procedures_note": (
        "Hồ sơ tổ đã hỗ trợ nộp trong kỳ, với tình trạng mới nhất tổ ghi nhận (theo hộ cho "
        "biết). Quá hạn: vẫn đang chờ cơ quan giải quyết quá thời hạn của thủ tục.",
        "Dossiers the team helped submit in the period, as the team last recorded them (as "
        "the household said). Past their time: still with the agency beyond the procedure's "
        "processing time.",
    ),
    "dossiers_followed": ("Theo dõi hồ sơ", "Dossiers followed"),
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
    # import of lists (fieldapp.server.imports; pages in console/import_pages.py)
    "import_title": ("Nhập danh sách hộ và thành viên", "Import household and member lists"),
    "import_intro": (
        "Tải lên danh sách xã đang dùng (Excel .xlsx hoặc CSV), không cần sửa theo mẫu. "
        "Bước 1: chọn tệp. Bước 2: xác nhận cột nào là gì. Bước 3: xem trước mọi lỗi theo ô "
        "(ví dụ Ô E12). Bước 4: nhập — tất cả hoặc không gì cả. Nhập lại cùng danh sách "
        "không tạo hộ trùng.",
        "Upload the list the commune already keeps (Excel .xlsx or CSV), as it is. Step 1: "
        "choose the file. Step 2: confirm which column is what. Step 3: preview every "
        "problem by cell (such as E12). Step 4: import — everything or nothing. Importing "
        "the same list again creates no duplicates.",
    ),
    "import_privacy": (
        "Cột số CCCD/CMND và ngày tháng năm sinh bị từ chối ngay khi đọc tệp: không đọc, "
        "không lưu (Luật Bảo vệ dữ liệu cá nhân 91/2025). Tệp tải lên không được lưu lại.",
        "Columns of ID-card (CCCD/CMND) numbers and dates of birth are refused as the file "
        "is read: neither read nor stored (personal-data law 91/2025). The uploaded file "
        "itself is not kept.",
    ),
    "import_step_file": ("1. Chọn tệp", "1. Choose the file"),
    "import_step_columns": ("2. Xác nhận cột", "2. Confirm the columns"),
    "import_step_preview": ("3. Xem trước", "3. Preview"),
    "import_step_done": ("4. Đã nhập", "4. Imported"),
    "import_kind": ("Loại danh sách", "Kind of list"),
    "import_kind_households": ("Danh sách hộ gia đình", "Household list"),
    "import_kind_members": ("Danh sách thành viên tổ", "Team member list"),
    "import_file": ("Tệp (.xlsx hoặc .csv)", "File (.xlsx or .csv)"),
    "import_upload": ("Tải lên và đọc tệp", "Upload and read the file"),
    "import_no_file": ("Cần chọn một tệp .xlsx hoặc .csv.", "Choose an .xlsx or .csv file."),
    "import_too_big": (
        "Không đọc được tệp tải lên (quá lớn hoặc bị hỏng). Tối đa 20 MB.",
        "The upload could not be read (too large or damaged). At most 20 MB.",
    ),
    "import_ward": ("Nhập vào", "Import into"),
    "import_file_read": (
        "Tệp «{name}»{sheet}: dòng tiêu đề là dòng {header}, {rows} dòng dữ liệu.",
        "File «{name}»{sheet}: header on row {header}, {rows} data rows.",
    ),
    "import_columns_intro": (
        "Chọn cột của tệp cho mỗi trường. fieldapp đã đoán theo tiêu đề cột (có dấu hay không "
        "dấu đều được) và theo lựa chọn lần nhập trước; hãy kiểm tra rồi bấm «Xem trước».",
        "Choose the file's column for each field. fieldapp guessed from the headers (with or "
        "without diacritics) and from the last import's choice; check, then press «Preview».",
    ),
    "import_field": ("Trường", "Field"),
    "import_column": ("Cột trong tệp", "Column of the file"),
    "import_not_imported": ("— không nhập —", "— not imported —"),
    "import_required": ("bắt buộc", "required"),
    "import_refused_option": ("bị từ chối", "refused"),
    "import_refused_id_number": ("số CCCD/CMND", "ID numbers"),
    "import_refused_birth_date": ("ngày sinh", "dates of birth"),
    "import_columns_table": ("Các cột của tệp", "The file's columns"),
    "import_letter": ("Cột", "Column"),
    "import_header": ("Tiêu đề", "Header"),
    "import_samples": ("Ví dụ", "Examples"),
    "import_used_for": ("Dùng cho", "Used for"),
    "import_refused_columns": ("Cột bị từ chối", "Refused columns"),
    "import_preview_button": ("Xem trước", "Preview"),
    "import_counts": ("Kết quả xem trước", "Preview result"),
    "import_count_rows": ("dòng dữ liệu", "data rows"),
    "import_count_new": ("mới", "new"),
    "import_count_changed": ("thay đổi", "changed"),
    "import_count_unchanged": ("không đổi", "unchanged"),
    "import_count_duplicate": ("trùng lặp (bỏ qua)", "duplicates (skipped)"),
    "import_count_refused": ("bị từ chối", "refused"),
    "import_count_skipped": ("dòng cộng/tiêu đề bỏ qua", "subtotal/header rows skipped"),
    "import_mapping_used": ("Cột đã chọn", "Columns chosen"),
    "import_change_columns": ("Đổi cột", "Change the columns"),
    "import_problems": ("Lỗi và lưu ý theo ô", "Problems and notes by cell"),
    "import_where": ("Vị trí", "Where"),
    "import_severity": ("Mức", "Level"),
    "import_problem": ("Nội dung", "What"),
    "import_sev_error": ("Lỗi", "Error"),
    "import_sev_warning": ("Lưu ý", "Note"),
    "import_sev_info": ("Thông tin", "Info"),
    "import_no_problems": ("Không có lỗi nào.", "No problems."),
    "import_annotated": (
        "Tải tệp kết quả (.xlsx) — mỗi dòng kèm kết quả và lỗi, để sửa trong Excel",
        "Download the result file (.xlsx) — each row with its result and problems, to fix in Excel",
    ),
    "import_fixed_file": ("Tải lên tệp đã sửa", "Upload the fixed file"),
    "import_commit": ("Nhập vào hệ thống", "Import"),
    "import_commit_hint": (
        "Nhập tất cả các dòng được chấp nhận trong một lần; nếu có lỗi thì không nhập gì. "
        "Hộ mới đến điện thoại của tổ trong lần đồng bộ sau.",
        "All accepted rows are imported at once; on any error nothing is. New households "
        "reach the team's phones on their next sync.",
    ),
    "import_skip_refused": (
        "Bỏ qua {n} dòng bị từ chối, chỉ nhập các dòng đúng",
        "Skip the {n} refused rows and import only the good ones",
    ),
    "import_blocked": (
        "Chưa thể nhập: sửa các lỗi về cột ở trên (bấm «Đổi cột») hoặc tải lên tệp khác.",
        "Cannot import yet: fix the column problems above («Change the columns») or upload "
        "another file.",
    ),
    "import_refused_rows": (
        "Chưa nhập gì: {n} dòng bị từ chối. Sửa tệp rồi tải lên lại, hoặc chọn bỏ qua các "
        "dòng bị từ chối.",
        "Nothing imported: {n} rows are refused. Fix the file and upload it again, or choose "
        "to skip the refused rows.",
    ),
    "import_stale": (
        "Dữ liệu của xã/phường đã thay đổi từ lúc xem trước (ví dụ một điện thoại vừa gửi "
        "sửa đổi, hoặc danh sách vừa được nhập). Đây là bản xem trước mới: hãy xem lại rồi "
        "bấm nhập.",
        "The ward's data changed since the preview (a phone sent an edit, or the list was "
        "just imported). This is a fresh preview: look again, then import.",
    ),
    "import_cancel": ("Huỷ lần nhập này", "Cancel this import"),
    "import_cancelled": ("Đã huỷ; không nhập gì.", "Cancelled; nothing was imported."),
    "draft_gone": (
        "Lần nhập này không còn (đã nhập xong, đã huỷ, hoặc quá 2 giờ). Hãy tải tệp lên lại.",
        "This import is gone (finished, cancelled or older than 2 hours). Upload the file again.",
    ),
    "import_done": ("Đã nhập xong", "Imported"),
    "import_done_intro": (
        "Đã ghi vào hệ thống (đợt nhập {batch}). Điện thoại của tổ nhận các hộ mới và thay "
        "đổi trong lần đồng bộ sau.",
        "Written (batch {batch}). The team's phones receive the new and changed records on "
        "their next sync.",
    ),
    "import_see_villages": ("Xem các thôn/tổ dân phố", "See the villages"),
    "import_another": ("Nhập danh sách khác", "Import another list"),
    "import_batches": ("Các đợt đã nhập", "Imports so far"),
    "import_no_batches": ("Chưa có đợt nhập nào.", "No imports yet."),
    "import_counts_short": ("Kết quả", "Result"),
    "import_file_name": ("Tệp", "File"),
    "import_state": ("Trạng thái", "State"),
    "import_undone_at": ("đã hoàn tác {when}", "undone {when}"),
    "import_undo": ("Hoàn tác…", "Undo…"),
    "import_undo_title": ("Hoàn tác đợt nhập", "Undo an import"),
    "import_undo_intro": (
        "Hoàn tác đợt nhập «{name}» ({when}): các hộ do đợt này tạo ra bị xoá (trừ hộ tổ đã "
        "đến thăm), các thông tin đợt này đã sửa được trả lại giá trị cũ (trừ khi đã có người "
        "sửa tiếp). Việc hoàn tác được ghi vào nhật ký và đến điện thoại ở lần đồng bộ sau.",
        "Undo the import «{name}» ({when}): the households it created are deleted (except "
        "those a team has visited), the details it changed get their old values back "
        "(unless someone changed them since). The undo is logged and reaches the phones on "
        "their next sync.",
    ),
    "import_undo_button": ("Hoàn tác đợt nhập này", "Undo this import"),
    "import_undone_notice": ("Đã hoàn tác đợt nhập.", "The import was undone."),
    "import_back": ("Quay lại", "Back"),
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
    "import_committed": ("nhập danh sách", "imported a list"),
    "import_undone": ("hoàn tác đợt nhập danh sách", "undid a list import"),
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
