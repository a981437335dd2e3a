"""Every user-visible string of the app, Vietnamese first, English second.

>>> t("log_visit")
'Ghi lượt thăm'
>>> t("pending_n", "en", n=3)
'3 not yet synced'
"""

from __future__ import annotations

__all__ = ["STRINGS", "t"]

# key → (Vietnamese, English). One table so neither language drifts.
STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("Tổ công nghệ số", "Digital team"),
    # navigation
    "nav_home": ("Trang chính", "Home"),
    "nav_households": ("Hộ gia đình", "Households"),
    "nav_sync": ("Đồng bộ", "Sync"),
    "nav_more": ("Thêm", "More"),
    "nav_qr": ("Mã QR", "QR codes"),
    "nav_invite": ("Mời thành viên", "Invite a member"),
    "nav_coverage": ("Độ phủ", "Coverage"),
    "back": ("Quay lại", "Back"),
    # enrol
    "enrol_title": ("Đăng ký thiết bị", "Enrol this device"),
    "enrol_intro": (
        "Nhập địa chỉ máy chủ và mã đăng ký do tổ trưởng đưa, hoặc dán liên kết đăng ký.",
        "Enter the server address and the enrolment code from your team leader, "
        "or paste the enrolment link.",
    ),
    "enrol_from_link": (
        "Mở từ mã QR của tổ trưởng. Bấm «Đăng ký» để đăng ký máy này với máy chủ {server}.",
        "Opened from your team leader's QR code. Tap «Enrol» to enrol this phone with the "
        "server {server}.",
    ),
    "server": ("Địa chỉ máy chủ", "Server address"),
    "enrol_code": ("Mã đăng ký hoặc liên kết", "Enrolment code or link"),
    "enrol_button": ("Đăng ký", "Enrol"),
    "enrolling": ("Đang đăng ký…", "Enrolling…"),
    "enrolled_as": ("Đã đăng ký: {name} ({role})", "Enrolled: {name} ({role})"),
    "team": ("Tổ", "Team"),
    "villages_joined": ("Thôn/tổ dân phố: {names}", "Villages: {names}"),
    "continue": ("Tiếp tục", "Continue"),
    "role_member": ("tổ viên", "member"),
    "role_leader": ("tổ trưởng", "team leader"),
    "role_officer": ("cán bộ xã", "commune officer"),
    # home
    "hello": ("Xin chào, {name}", "Hello, {name}"),
    "visits_today": ("Lượt thăm hôm nay", "Visits today"),
    "visits_week": ("Lượt thăm tuần này", "Visits this week"),
    "not_visited": ("Hộ chưa thăm", "Households not visited"),
    "follow_ups_due": ("Cần quay lại", "Follow-ups due"),
    "pending_n": ("{n} chưa đồng bộ", "{n} not yet synced"),
    "all_synced": ("Đã đồng bộ hết", "Everything synced"),
    "last_sync": ("Đồng bộ lần cuối: {when}", "Last sync: {when}"),
    "never_synced": ("Chưa đồng bộ lần nào", "Never synced"),
    "online": ("Trực tuyến", "Online"),
    "offline": ("Ngoại tuyến", "Offline"),
    "log_visit": ("Ghi lượt thăm", "Log a visit"),
    "own_figures_note": (
        "Số liệu hoạt động của tổ, không phải số liệu chính thức (766).",
        "The team's own activity, not official (766) figures.",
    ),
    # households
    "village": ("Thôn/tổ dân phố", "Village"),
    "all_villages": ("Tất cả thôn", "All villages"),
    "search_households": ("Tìm theo tên, địa chỉ, số điện thoại", "Search name, address, phone"),
    "filter_all": ("Tất cả", "All"),
    "filter_never": ("Chưa thăm", "Not visited"),
    "filter_visited": ("Đã thăm", "Visited"),
    "filter_follow_up": ("Cần quay lại", "Follow-up"),
    "n_households": ("{n} hộ", "{n} households"),
    "load_more": ("Xem thêm", "Show more"),
    "no_households": ("Không có hộ nào.", "No households."),
    "add_household": ("Thêm hộ", "Add household"),
    "edit_household": ("Sửa thông tin hộ", "Edit household"),
    "state_never": ("Chưa thăm", "Not visited"),
    "state_visited": ("Đã thăm", "Visited"),
    "state_follow_up": ("Hẹn {date}", "Back on {date}"),
    "state_due": ("Đến hạn quay lại {date}", "Follow-up due {date}"),
    "members_n": ("{n} người", "{n} people"),
    "unsynced": ("chưa đồng bộ", "not synced"),
    "head_name": ("Tên chủ hộ", "Head of household"),
    "address_detail": ("Địa chỉ (xóm, số nhà)", "Address (hamlet, house no.)"),
    "phone_optional": ("Số điện thoại (không bắt buộc)", "Phone (optional)"),
    "members_count": ("Số nhân khẩu", "Number of members"),
    "save": ("Lưu", "Save"),
    "saved": ("Đã lưu trên máy.", "Saved on this device."),
    "visit_history": ("Lịch sử thăm", "Visit history"),
    "no_visits": ("Chưa có lượt thăm nào.", "No visits yet."),
    "correct_visit": ("Sửa lượt thăm", "Correct visit"),
    "superseded": ("đã được sửa", "corrected"),
    "synced": ("đã đồng bộ", "synced"),
    "household_not_found": ("Không tìm thấy hộ.", "Household not found."),
    "pick_household_first": (
        "Chọn hộ cần ghi lượt thăm trong danh sách.",
        "Pick the household to visit from the list.",
    ),
    # visit form
    "visit_title": ("Lượt thăm: {name}", "Visit: {name}"),
    "correcting_title": ("Sửa lượt thăm: {name}", "Correcting visit: {name}"),
    "consent_q": (
        "Hộ có đồng ý cho ghi thông tin cá nhân (tên, ghi chú, số hồ sơ, vị trí) không?",
        "Does the household agree to personal details (name, notes, numbers, location) "
        "being recorded?",
    ),
    "consent_given": ("Đồng ý", "Agrees"),
    "consent_declined": ("Không đồng ý", "Declines"),
    "consent_declined_note": (
        "Lượt thăm vẫn được tính, không ghi chi tiết cá nhân.",
        "The visit still counts; no personal details are recorded.",
    ),
    "activities": ("Đã hỗ trợ", "Helped with"),
    "act_vneid_installed": ("Cài VNeID", "Installed VNeID"),
    "act_vneid_level2": ("Kích hoạt VNeID mức 2", "VNeID level 2"),
    "act_portal_account": ("Tài khoản Dịch vụ công", "Portal account"),
    "act_dossier_submitted": ("Nộp hồ sơ trực tuyến", "Submitted a dossier online"),
    "act_fee_paid": ("Thanh toán phí trực tuyến", "Paid a fee online"),
    "act_payment_account": ("Mở tài khoản thanh toán", "Opened a payment account"),
    "act_digital_signature": ("Chữ ký số", "Digital signature"),
    "act_other": ("Khác", "Other"),
    "procedures": ("Thủ tục đã nộp", "Procedures submitted"),
    "search_procedure": ("Tìm thủ tục (tên hoặc mã)", "Find a procedure (name or code)"),
    "full_online": ("toàn trình", "full online"),
    "partial": ("một phần", "partial"),
    "fee": ("lệ phí {fee} đ", "fee {fee} VND"),
    "dossier_no": ("Số hồ sơ (không bắt buộc)", "Dossier no. (optional)"),
    "payment_status": ("Tình trạng thanh toán", "Payment status"),
    "pay_unknown": ("Không rõ", "Unknown"),
    "pay_self_reported": ("Tự khai báo", "Self-reported"),
    "pay_verified": ("Đã xác minh", "Verified"),
    "receipt_no": ("Số biên lai", "Receipt no."),
    "other_text": ("Hoạt động khác là gì?", "What was the other activity?"),
    "people_guided": ("Số người được hướng dẫn", "People guided"),
    "outcome": ("Kết quả", "Outcome"),
    "out_done": ("Xong", "Done"),
    "out_follow_up": ("Cần quay lại", "Follow-up needed"),
    "out_nobody_home": ("Không có ai ở nhà", "Nobody home"),
    "out_declined": ("Hộ từ chối", "Declined"),
    "follow_up_on": ("Ngày quay lại (dd/mm/yyyy)", "Follow-up date (dd/mm/yyyy)"),
    "in_3_days": ("+3 ngày", "+3 days"),
    "in_7_days": ("+7 ngày", "+7 days"),
    "notes": ("Ghi chú", "Notes"),
    "gps": ("Vị trí (không bắt buộc)", "Location (optional)"),
    "gps_hint": (
        "Hoặc nhập tay: vĩ độ, kinh độ, ví dụ 18.07, 106.29",
        "Or type: latitude, longitude, e.g. 18.07, 106.29",
    ),
    "gps_locate": ("Lấy vị trí", "Get location"),
    "gps_locating": ("Đang lấy vị trí…", "Getting the location…"),
    "gps_located": (
        "Đã lấy vị trí (sai số khoảng {m} m).",
        "Location set (accurate to about {m} m).",
    ),
    "gps_located_no_acc": ("Đã lấy vị trí.", "Location set."),
    "save_visit": ("Lưu lượt thăm", "Save visit"),
    "visit_saved": ("Đã lưu lượt thăm trên máy.", "Visit saved on this device."),
    "fix_errors": ("Hãy sửa các mục được đánh dấu.", "Please fix the marked fields."),
    # sync
    "sync_now": ("Đồng bộ ngay", "Sync now"),
    "syncing": ("Đang đồng bộ…", "Syncing…"),
    "sync_progress": ("Đã gửi {sent}/{total}", "Sent {sent}/{total}"),
    "sync_done": (
        "Đồng bộ xong: gửi {pushed}, nhận {pulled}.",
        "Sync finished: sent {pushed}, received {pulled}.",
    ),
    "sync_failed": ("Đồng bộ không thành công: {reason}", "Sync failed: {reason}"),
    "sync_issues": ("Cần xem lại", "Needs review"),
    "no_sync_issues": ("Không có bản ghi bị từ chối hay xung đột.", "No rejections or conflicts."),
    "issue_rejected": ("Bị từ chối", "Rejected"),
    "issue_conflict": ("Xung đột", "Conflict"),
    "issue_left_scope": ("Ngoài phạm vi", "Out of scope"),
    "issue_other": ("Cần xem lại", "To review"),
    "not_enrolled": ("Thiết bị chưa đăng ký.", "This device is not enrolled."),
    # settings
    "language": ("Ngôn ngữ", "Language"),
    "about": ("Thông tin", "About"),
    "version": ("Phiên bản {v}", "Version {v}"),
    "device_id": ("Mã thiết bị: {id}", "Device id: {id}"),
    "sign_out": ("Đăng xuất", "Sign out"),
    "sign_out_refused": (
        "Còn {n} bản ghi chưa đồng bộ. Hãy đồng bộ trước khi đăng xuất.",
        "{n} records are not yet synced. Please sync before signing out.",
    ),
    "sign_out_confirm": (
        "Tôi hiểu: đăng xuất và xóa {n} bản ghi chưa đồng bộ",
        "I understand: sign out and delete {n} unsynced records",
    ),
    "data_dir": ("Dữ liệu lưu tại: {path}", "Data stored in: {path}"),
    # QR / leader
    "invite_intro": (
        "Chạm vào tên thành viên cần đăng ký máy: máy chủ tạo mã dùng một lần, "
        "thành viên quét mã QR để đăng ký.",
        "Tap the member whose phone to enrol: the server creates a one-time code "
        "and the member scans the QR code to enrol.",
    ),
    "invite_me": ("{name} (bạn, máy mới)", "{name} (you, a new phone)"),
    "invite_tap": ("Chạm để tạo mã đăng ký", "Tap to create an enrolment code"),
    "invite_none": ("Tổ chưa có thành viên nào.", "The team has no members yet."),
    "invite_issuing": ("Đang tạo mã cho {name}…", "Creating a code for {name}…"),
    "invite_for": ("Mã đăng ký cho {name}", "Enrolment code for {name}"),
    "invite_code": ("Mã: {code}", "Code: {code}"),
    "invite_once": (
        "Mã chỉ dùng được một lần. Nếu không quét được, nhập mã và địa chỉ máy chủ bằng tay.",
        "The code works once. If scanning fails, type the code and the server address.",
    ),
    "invite_another": ("Mời thành viên khác", "Invite another member"),
    "not_available": ("Chức năng này chưa có.", "This feature is not available yet."),
    # coverage screen (exports stay Vietnamese: they go to officials)
    "cov_title": ("Độ phủ của tổ", "Team coverage"),
    "cov_member_left": ("{name} (đã rời tổ)", "{name} (left the team)"),
    "cov_title_ward": ("Độ phủ của {wards}", "Coverage of {wards}"),
    "cov_title_commune": ("Độ phủ của xã/phường", "Coverage of the commune"),
    # an officer (no team) sets things up on the server's web console
    "console_hint": (
        "Bạn là cán bộ xã, không thuộc tổ nào. Lập thôn/tổ dân phố, tổ CNSCĐ và mời tổ "
        "trưởng trên trang quản trị (mở trên máy tính):",
        "You are a commune officer without a team. Set up villages, teams and invite team "
        "leaders on the web console (open it on a computer):",
    ),
    "console_open": ("Mở trang quản trị", "Open the console"),
    "cov_loading": ("Đang tải…", "Loading…"),
    "cov_load_failed": (
        "Không tải được số liệu ({error}). Hãy thử lại.",
        "Could not load the figures ({error}). Please try again.",
    ),
    "cov_period_pick": ("Kỳ báo cáo", "Reporting period"),
    "cov_period_line": ("Kỳ: {start} – {end}", "Period: {start} – {end}"),
    "cov_summary": (
        "{visited}/{total} hộ đã thăm ({pct}) · {visits} lượt thăm ·"
        " {guided} người được hướng dẫn · {due} hẹn đến hạn ({overdue} quá hạn)",
        "{visited}/{total} households visited ({pct}) · {visits} visits ·"
        " {guided} people guided · {due} follow-ups due ({overdue} overdue)",
    ),
    "cov_no_data": ("không có số liệu", "no data"),
    "cov_col_village": ("Thôn/TDP", "Village"),
    "cov_col_households": ("Số hộ", "Households"),
    "cov_col_visited": ("Đã thăm", "Visited"),
    "cov_col_guided": ("Người được HD", "People guided"),
    "cov_col_due": ("Hẹn đến hạn", "Follow-ups due"),
    "cov_col_indicator": ("{name} (chỉ tiêu {target})", "{name} (target {target})"),
    "cov_col_member": ("Tổ viên", "Member"),
    "cov_col_visits": ("Lượt thăm", "Visits"),
    "cov_col_hh_visited": ("Hộ đã thăm", "Households visited"),
    "cov_col_dossiers": ("Hồ sơ", "Dossiers"),
    "cov_col_vneid": ("VNeID mức 2", "VNeID level 2"),
    "cov_target_line": (
        "Đạt {value} — chỉ tiêu {target} (được {ratio} chỉ tiêu)",
        "At {value} — target {target} ({ratio} of target)",
    ),
    "cov_target_line_met": (
        "Đạt {value} — chỉ tiêu {target}: đã đạt",
        "At {value} — target {target}: met",
    ),
    "cov_target_line_none": (
        "{value} — chỉ tiêu {target}",
        "{value} — target {target}",
    ),
    "cov_weekly": (
        "Theo tuần: lượt thăm (xanh dương), hộ đã thăm (xanh lá)",
        "By week: visits (blue), households visited (green)",
    ),
    "cov_progress": ("Tiến độ theo chỉ tiêu", "Progress against targets"),
    "cov_by_member": ("Hoạt động theo tổ viên", "Activity by member"),
    "cov_gaps": ("Hộ cần đến (danh sách khoảng trống)", "Households to visit (gap list)"),
    "cov_gap_due": ("hẹn {day}", "follow-up {day}"),
    "cov_gap_last": ("lần cuối {day}", "last visit {day}"),
    "cov_gap_no_name": ("(không có tên)", "(no name)"),
    "cov_gap_none": ("Không còn hộ nào cần đến.", "No households left to visit."),
    "cov_more": ("Xem thêm", "Show more"),
    "cov_export": ("Xuất báo cáo", "Export reports"),
    "cov_export_villages": ("Bảng thôn", "Village table"),
    "cov_export_members": ("Tổ viên", "Members"),
    "cov_export_visits": ("Nhật ký", "Visit log"),
    "cov_exporting": ("Đang xuất…", "Exporting…"),
    "cov_export_failed": (
        "Không ghi được tệp vào {dir}: hãy kiểm tra bộ nhớ còn trống và quyền ghi ({error}).",
        "Could not write the file to {dir}: check free storage and write permission ({error}).",
    ),
    "cov_exported": (
        "Đã xuất {n} dòng, lưu tại: {path}. Bấm «Chia sẻ…» để gửi (Zalo, email…).",
        "Exported {n} rows, saved at: {path}. Tap «Share…» to send it (Zalo, email…).",
    ),
    "share_file": ("Chia sẻ…", "Share…"),
    "share_saved_copy": (
        "Không có bảng chia sẻ ở đây: đã lưu một bản qua trình duyệt/hộp thoại. Tệp gốc: {path}",
        "No share sheet here: a copy was saved through the browser/dialog. Original: {path}",
    ),
    "share_failed": (
        "Máy này không mở được bảng chia sẻ ({error}). Tệp vẫn ở: {path}",
        "No share sheet here ({error}). The file is still at: {path}",
    ),
    # portal QR / poster screen (the poster itself stays Vietnamese: it is for villagers)
    "portal_code_level": ("Mã thủ tục: {code} · {level}", "Procedure code: {code} · {level}"),
    "portal_scan": (
        "Quét mã bằng Camera điện thoại, đăng nhập bằng VNeID.",
        "Scan the code with the phone camera, then sign in with VNeID.",
    ),
    "portal_back": ("Quay lại danh sách", "Back to the list"),
    "portal_enrol_title": ("Đăng ký thiết bị cho tổ viên", "Enrol a member's device"),
    "portal_enrol_hint": (
        "Tổ viên quét mã này bằng máy ảnh của điện thoại: ứng dụng đã cài sẽ mở ra, "
        "bấm «Đăng ký» là xong.",
        "The member scans this code with the phone's camera: the installed app opens; "
        "one tap on “Enrol” and it is done.",
    ),
    "portal_search": ("Tìm thủ tục (tên hoặc mã)", "Search procedures (name or code)"),
    "portal_search_hint": ("vd. khai sinh, 1.001193", "e.g. khai sinh, 1.001193"),
    "portal_village": ("Thôn / tổ dân phố", "Village / residential group"),
    "portal_team": ("Tên tổ", "Team name"),
    "portal_contact": ("Liên hệ (tên, số điện thoại)", "Contact (name, phone number)"),
    "portal_make_poster": ("Tạo áp phích (PDF)", "Make a poster (PDF)"),
    "portal_pick_hint": (
        "Đánh dấu tối đa {n} thủ tục để in áp phích; bấm vào tên để xem mã QR.",
        "Tick up to {n} procedures for the poster; tap a name to show its QR code.",
    ),
    "portal_poster_heading": ("Áp phích cho bảng tin thôn", "Poster for the village notice board"),
    "portal_chosen": ("Đã chọn {n} thủ tục cho áp phích.", "{n} procedures chosen for the poster."),
    "portal_error": ("Lỗi: {msg}", "Error: {msg}"),
    "portal_write_failed": (
        "Lỗi: không ghi được tệp áp phích — hãy kiểm tra bộ nhớ còn trống và quyền ghi ({error}).",
        "Error: could not write the poster file — check free storage and write permission"
        " ({error}).",
    ),
    "portal_poster_made": (
        "Đã tạo áp phích, lưu tại: {path}. Bấm «Chia sẻ…» để gửi đi in.",
        "Poster created, saved at: {path}. Tap «Share…» to send it for printing.",
    ),
    # ---- issue 15 (helper D): dossiers followed to their result, the household's slip ----
    "act_dossier_update": ("Cập nhật hồ sơ", "Dossier update"),
    "fu_title": ("Theo dõi hồ sơ", "Dossier follow-up"),
    "fu_home_card": (
        "Hồ sơ đang chờ kết quả hoặc thanh toán: {n} ({late} quá hạn)",
        "Dossiers waiting for a result or a payment: {n} ({late} late)",
    ),
    "fu_open": ("Mở danh sách theo dõi", "Open the follow-up list"),
    "fu_none": (
        "Không có hồ sơ nào đang chờ kết quả hay thanh toán.",
        "No dossier is waiting for a result or a payment.",
    ),
    "fu_filter_all": ("Tất cả", "All"),
    "fu_filter_overdue": ("Quá hạn", "Late"),
    "fu_filter_payment": ("Chờ thanh toán", "Awaiting payment"),
    "fu_mine": ("Chỉ hồ sơ tôi giúp nộp", "Only dossiers I helped submit"),
    "fu_count": ("{n} hồ sơ · {late} quá hạn", "{n} dossiers · {late} late"),
    "fu_submitted_on": ("Nộp ngày {date}", "Submitted {date}"),
    "fu_waited": ("Đã chờ {days} ngày", "Waiting {days} days"),
    "fu_waited_of": (
        "Đã chờ {days} ngày — {work}/{limit} ngày làm việc",
        "Waiting {days} days — {work}/{limit} working days",
    ),
    "fu_overdue": ("QUÁ HẠN", "LATE"),
    "fu_update": ("Cập nhật", "Update"),
    "fu_slip": ("Phiếu cho hộ", "Household slip"),
    "fu_by_channel": ("Lần cuối: {when}, {channel}", "Last: {when}, {channel}"),
    "dstatus_submitted": ("Đã nộp", "Submitted"),
    "dstatus_processing": ("Đang xử lý", "Being processed"),
    "dstatus_needs_papers": ("Cần bổ sung giấy tờ", "Needs more papers"),
    "dstatus_result_received": ("Đã có kết quả", "Result received"),
    "dstatus_refused": ("Bị từ chối", "Refused"),
    "fee_not_due": ("Không phải nộp phí", "No fee due"),
    "fee_awaiting_payment": ("Chờ thanh toán phí", "Fee awaiting payment"),
    "fee_paid_online": ("Đã nộp phí trực tuyến", "Fee paid online"),
    "channel_q": ("Hỗ trợ ở đâu?", "Where was the help given?"),
    "channel_home": ("Tại nhà", "At home"),
    "channel_phone": ("Điện thoại", "By phone"),
    "channel_desk": ("Điểm hỗ trợ", "Support desk"),
    "visit_fee_start": ("Lệ phí của hồ sơ", "The dossier's fee"),
    "upd_title": ("Cập nhật hồ sơ", "Update a dossier"),
    "upd_now": ("Hiện tại: {status} · {fee}", "Now: {status} · {fee}"),
    "upd_status": ("Tình trạng mới", "New status"),
    "upd_fee": ("Lệ phí", "Fee"),
    "upd_paid_how": ("Biết đã nộp phí nhờ", "Payment known by"),
    "upd_dossier_no": ("Số hồ sơ (nếu mới biết)", "Dossier no. (if newly known)"),
    "upd_save": ("Lưu cập nhật", "Save the update"),
    "upd_saved": ("Đã lưu cập nhật trên máy.", "Update saved on this device."),
    "upd_not_found": ("Không tìm thấy hồ sơ này trên máy.", "This dossier is not on this device."),
    "upd_declined_note": (
        "Hộ không đồng ý ghi thông tin cá nhân: không ghi số hồ sơ, số biên lai.",
        "The household declined personal details: no dossier or receipt numbers are kept.",
    ),
    "hd_dossiers": ("Hồ sơ của hộ", "The household's dossiers"),
    "slip_title": ("Phiếu cho hộ gia đình", "Slip for the household"),
    "slip_hint": (
        "Đưa phiếu cho hộ (hoặc để hộ chụp màn hình): quét mã, đăng nhập VNeID để tra cứu "
        "hồ sơ và thanh toán phí.",
        "Give the slip to the household (or let them photograph the screen): the codes "
        "open the dossier look-up and payment pages; sign in with VNeID.",
    ),
    "slip_save": ("Lưu phiếu để in (PDF)", "Save the slip to print (PDF)"),
    "slip_saved": (
        "Đã lưu phiếu tại: {path}. Bấm «Chia sẻ…» để gửi in hoặc gửi qua Zalo.",
        "Slip saved at: {path}. Tap «Share…» to print it or send it by Zalo.",
    ),
    "slip_failed": ("Không tạo được phiếu: {msg}", "Could not make the slip: {msg}"),
    "slip_after_save": ("Xem phiếu cho hộ", "Show the household's slip"),
    "cov_ft_title": ("Hồ sơ đến kết quả", "Dossiers followed to their result"),
    "cov_ft_note": (
        "Theo ghi chép của tổ (tổ viên hỏi lại hộ), không phải số liệu của Cổng Dịch vụ công.",
        "From the team's own records (members asking the households), not the portal's figures.",
    ),
    "cov_ft_total": ("Cả tổ", "Whole team"),
    "cov_ft_by_procedure": ("Theo thủ tục", "By procedure"),
    "cov_ft_line": (
        "{name}: {n} hồ sơ · có kết quả {results}/{n} ({result_pct}) · bị từ chối {refused}"
        " · quá hạn {late} · phí nộp trực tuyến {paid}/{fees} ({paid_pct})",
        "{name}: {n} dossiers · result received {results}/{n} ({result_pct}) · refused"
        " {refused} · past their time {late} · fees paid online {paid}/{fees} ({paid_pct})",
    ),
    # ---- end of issue 15 (helper D) ----
}


def t(key: str, lang: str = "vi", **fmt: object) -> str:
    """The string for ``key`` in ``lang`` (Vietnamese unless ``"en"``), formatted."""
    vi, en = STRINGS[key]
    text = en if lang == "en" else vi
    return text.format(**fmt) if fmt else text
