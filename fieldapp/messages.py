"""Every message fieldapp shows a person, Vietnamese first, English second, keyed by code.

One table for the phone and the server (a leaf: it imports nothing of fieldapp), so each
code has one wording and neither language drifts. Two kinds of key:

- **codes**, flat (``unknown_supersedes``, ``network``, ``token_expired``): the codes of the
  API's errors (``error.code``), of quarantine reasons and validation problems, and of the
  sync client's exceptions (:mod:`fieldapp.sync.errors`) — one code, one wording, whichever
  side says it;
- **screen strings**, dotted by where they are shown: ``app.*`` the phone app
  (:mod:`fieldapp.ui`), ``console.*`` the officers' console, ``audit.*`` the console's
  audit-log actions, ``import.*`` list-import issues, ``location.*`` the phone's GPS problems.

**Where a new key goes**: in the section below named for the screen that shows it
(:data:`APP` for the phone app's screens, used as ``t("key")`` in :mod:`fieldapp.ui.i18n`;
:data:`CONSOLE` for the console), or in :data:`CODES` for a new error code.
``tests/test_messages.py`` checks every key used in the code exists, in Vietnamese with its
diacritics and in English, and that no two codes carry the same words by accident.

>>> text("app.log_visit")
'Ghi lượt thăm'
>>> text("server_status", "en", status=502)
'The server answered 502.'
"""

from __future__ import annotations

__all__ = ["APP", "AUDIT", "CODES", "CONSOLE", "IMPORT", "LOCATION", "MESSAGES", "text", "words"]

# -- codes: errors and problems, flat; the server's (status in fieldapp.server.errors) ----
CODES: dict[str, tuple[str, str]] = {
    "unauthenticated": (
        "Máy chưa đăng nhập hoặc đã bị thu hồi. Hãy xin mã đăng ký mới từ tổ trưởng.",
        "This device is not signed in or was revoked. Ask your team leader for a new code.",
    ),
    # A token unused for FIELDAPP_TOKEN_IDLE_DAYS (lost or abandoned phone): distinct from
    # "unauthenticated" so the phone can say why; the cure is the same (a new code).
    "token_expired": (
        "Phiên đăng nhập của máy đã hết hạn vì lâu không dùng. Nhờ tổ trưởng cấp mã đăng ký mới.",
        "This device's sign-in expired after a long time unused. Ask your team leader for a "
        "new enrolment code.",
    ),
    "forbidden": (
        "Tài khoản của bạn không có quyền làm việc này.",
        "Your account is not allowed to do this.",
    ),
    "device_mismatch": (
        "Mã máy không khớp với máy đã đăng ký.",
        "The device id does not match the enrolled device.",
    ),
    "not_found": ("Không tìm thấy.", "Not found."),
    "bad_code": (
        "Mã đăng ký sai, đã dùng hoặc đã hết hạn. Hãy xin mã mới từ tổ trưởng.",
        "The enrolment code is wrong, used or expired. Ask your team leader for a new one.",
    ),
    "device_in_use": (
        "Mã máy này đang thuộc người khác. Hãy cài lại ứng dụng rồi đăng ký.",
        "This device id belongs to someone else. Reinstall the app, then enrol.",
    ),
    "sequence_gap": (
        "Thiếu hoặc sai thứ tự dữ liệu gửi lên; máy sẽ gửi lại từ số thứ tự cần thiết.",
        "Missing or out-of-order changes; the device resends from the expected number.",
    ),
    "device_reset": (
        "Máy này dùng lại số thứ tự cũ với nội dung khác (dữ liệu máy bị khôi phục hoặc cài "
        "lại). Hãy đăng ký lại máy.",
        "This device reused old sequence numbers with other content (restored or reinstalled). "
        "Enrol the device again.",
    ),
    "protocol_version": (
        "Ứng dụng đã cũ, không đồng bộ được với máy chủ. Hãy cập nhật ứng dụng.",
        "The app is out of date and cannot sync with the server. Please update the app.",
    ),
    "too_large": (
        "Dữ liệu gửi lên quá lớn. Hãy gửi thành nhiều lần nhỏ hơn.",
        "The request is too large. Send it in smaller batches.",
    ),
    "invalid_request": (
        "Dữ liệu gửi lên không hợp lệ.",
        "The request is not valid.",
    ),
    "bad_body": (
        "Không đọc được nội dung gửi lên (cần JSON, có thể nén gzip).",
        "Cannot read the request body (JSON expected, optionally gzip).",
    ),
    "conflict": (
        "Dữ liệu trùng với bản ghi đã có.",
        "This conflicts with an existing record.",
    ),
    "rate_limited": (
        "Nhập sai mã đăng ký quá nhiều lần. Hãy đợi vài phút rồi thử lại, hoặc xin tổ trưởng "
        "mã mới.",
        "Too many wrong enrolment codes. Wait a few minutes and try again, or ask your team "
        "leader for a new code.",
    ),
    "internal": (
        "Máy chủ gặp lỗi. Dữ liệu trên máy vẫn được giữ; hãy thử lại sau.",
        "The server hit an error. Your data is kept on the device; try again later.",
    ),
    # -- validation problems (fieldapp.domain.validation), on both sides ---------------
    "required": ("Bắt buộc nhập.", "Required."),
    "not_uuid": ("Mã không hợp lệ (cần UUID).", "Invalid id (a UUID is required)."),
    "bad_type": ("Sai kiểu dữ liệu.", "Wrong data type."),
    "bad_text": (
        "Có ký tự không hợp lệ; hãy xoá và gõ lại.",
        "Contains an invalid character; delete it and type again.",
    ),
    "bad_choice": (
        "Giá trị không hợp lệ: chọn một trong {choices}.",
        "Invalid value: choose one of {choices}.",
    ),
    "bad_datetime": ("Thời gian không hợp lệ (ISO 8601).", "Invalid time (ISO 8601)."),
    "bad_date": ("Ngày không hợp lệ (dd/mm/yyyy).", "Invalid date (dd/mm/yyyy)."),
    "too_long": ("Quá dài: tối đa {max} ký tự.", "Too long: at most {max} characters."),
    "out_of_range": ("Phải từ {min} đến {max}.", "Must be between {min} and {max}."),
    "consent_required": (
        "Hãy hỏi và ghi lại sự đồng ý của hộ trước.",
        "Ask for and record the household's consent first.",
    ),
    "no_personal_without_consent": (
        "Hộ không đồng ý: không ghi chi tiết cá nhân (ghi chú, số hồ sơ, biên lai, GPS).",
        "Household declined: do not record personal details (notes, dossier, receipt, GPS).",
    ),
    "follow_up_date_required": ("Chọn ngày quay lại.", "Choose a follow-up date."),
    "follow_up_before_visit": (
        "Ngày quay lại phải sau ngày thăm.",
        "The follow-up date must be after the visit.",
    ),
    "follow_up_only": (
        "Chỉ nhập ngày quay lại khi kết quả là 'cần quay lại'.",
        "Only set a follow-up date when the outcome is 'follow-up needed'.",
    ),
    "people_for_activities": (
        "Có hoạt động thì số người được hướng dẫn phải từ 1 trở lên.",
        "With activities, at least 1 person must have been guided.",
    ),
    "no_activities_when_absent": (
        "Không có ai ở nhà thì không thể có hoạt động.",
        "Nobody was home, so there can be no activities.",
    ),
    "bad_procedure_code": (
        "Mã thủ tục phải có dạng 1.001193.",
        "Procedure code must look like 1.001193.",
    ),
    "unknown_procedure": (
        "Không có thủ tục {proc} trong danh mục.",
        "Procedure {proc} is not in the catalogue.",
    ),
    "level_required": (
        "Chọn mức độ: toàn trình hoặc một phần.",
        "Choose the level: full online or partial.",
    ),
    "payment_status_required": ("Chọn tình trạng thanh toán.", "Choose the payment status."),
    "verified_needs_receipt": (
        "Đã xác minh thì cần số biên lai hoặc số hồ sơ.",
        "Verified payments need a receipt or dossier number.",
    ),
    "other_text_required": ("Ghi rõ hoạt động khác.", "Describe the other activity."),
    "duplicate_activity": ("Hoạt động bị lặp.", "Activity is listed twice."),
    "too_many": ("Quá nhiều mục: tối đa {max}.", "Too many items: at most {max}."),
    "id_number_forbidden": (
        "Không được ghi số CMND/CCCD.",
        "Do not record ID-card (CMND/CCCD) numbers.",
    ),
    "field_not_allowed": ("Trường này không được phép.", "This field is not allowed."),
    "not_a_name": (
        "Tên không được chứa dấu / hoặc \\, chuỗi .. hay ký tự điều khiển.",
        "A name may not contain / or \\, .. or control characters.",
    ),
    "name_or_address": (
        "Nhập tên chủ hộ hoặc địa chỉ.",
        "Enter the head of household's name or the address.",
    ),
    "unknown_household": ("Không tìm thấy hộ này.", "This household was not found."),
    "unknown_village": ("Không tìm thấy thôn/tổ dân phố này.", "Village not found."),
    "unknown_supersedes": (
        "Không tìm thấy lượt thăm cần sửa.",
        "The visit being corrected was not found.",
    ),
    "already_superseded": (
        "Lượt thăm này đã được sửa trước đó.",
        "This visit has already been corrected.",
    ),
    "supersedes_self": (
        "Lượt thăm không thể thay thế chính nó.",
        "A visit cannot supersede itself.",
    ),
    # -- quarantine reasons of a pushed record (fieldapp.server.push) -------------------
    "invalid": ("Dữ liệu không hợp lệ.", "The data is not valid."),
    "out_of_scope": (
        "Hộ này không thuộc thôn của tổ bạn; bản ghi được giữ lại để tổ trưởng xem xét.",
        "This household is not in your team's villages; kept for your leader to review.",
    ),
    "visit_conflict": (
        "Lượt thăm cùng mã nhưng nội dung khác đã có trên máy chủ; được giữ lại để xem xét.",
        "A visit with the same id but other content is on the server; kept for review.",
    ),
    "member_mismatch": (
        "Lượt thăm ghi tên người khác với tài khoản trên máy này.",
        "The visit names another member than this device's account.",
    ),
    "id_mismatch": ("Mã bản ghi không khớp.", "The record id does not match."),
    "id_conflict": (
        "Máy chủ đã có một hộ khác cùng mã; bản ghi được giữ lại để tổ trưởng xem xét.",
        "The server already has another household with this id; kept for your leader to review.",
    ),
    # -- why a sync stopped on 401, as the phone words it (AUTH_MESSAGES): the cure and
    # that nothing was lost, whatever the server's wording.
    "token_expired_on_phone": (
        "Phiên đăng nhập của máy đã hết hạn vì lâu không dùng. Nhờ tổ trưởng cấp mã đăng ký "
        "mới. Dữ liệu chưa gửi vẫn được giữ trên máy.",
        "This phone's sign-in expired after a long time unused. Ask your team leader for a "
        "new enrolment code. Unsent data is kept on the phone.",
    ),
    "unauthenticated_on_phone": (
        "Máy này đã bị thu hồi quyền đồng bộ hoặc chưa đăng nhập. Hãy xin tổ trưởng mã đăng ký "
        "mới. Dữ liệu chưa gửi vẫn được giữ trên máy.",
        "This phone's access was revoked or it is not signed in. Ask your team leader for a "
        "new enrolment code. Unsent data is kept on the phone.",
    ),
    # -- the phone's sync client and enrolment (fieldapp.sync) ---------------------------
    # One wording for "cannot reach the server", wherever the phone says it.
    "network": (
        "Không kết nối được máy chủ. Dữ liệu vẫn được giữ trên máy; hãy kiểm tra mạng rồi thử lại.",
        "Cannot reach the server. Your data is kept on the phone; check the connection and "
        "try again.",
    ),
    "not_enrolled": (
        "Máy chưa được đăng ký. Hãy nhập mã đăng ký từ tổ trưởng.",
        "This phone is not enrolled. Enter the enrolment code from your team leader.",
    ),
    "device_reused": (
        "Dữ liệu trên máy trùng số thứ tự đã gửi trước đây (máy được khôi phục từ bản sao). "
        "Hãy đăng ký lại máy; các thay đổi chưa gửi vẫn được giữ.",
        "This phone reuses change numbers it sent before (restored from a copy). "
        "Enrol it again; unsent changes are kept.",
    ),
    "sequence_gap_repeated": (
        "Máy chủ liên tục báo thiếu dữ liệu; hãy báo tổ trưởng.",
        "The server keeps reporting missing changes; tell your team leader.",
    ),
    "epoch_changed": (
        "Máy chủ vừa được khôi phục; hãy đồng bộ lại.",
        "The server was just restored; sync again.",
    ),
    "enrol_failed": ("Không đăng ký được máy.", "Enrolment failed."),
    # The server answered an error without a readable body (a proxy's page, say).
    "server_status": ("Máy chủ trả lời lỗi {status}.", "The server answered {status}."),
    "fields_edited_concurrently": (
        "Trường bị sửa cùng lúc: {fields}",
        "Fields edited concurrently: {fields}",
    ),
    # -- shared labels ------------------------------------------------------------------
    # Every figure fieldapp shows is the team's own activity (fieldapp.coverage).
    "data_label": (
        "Số liệu hoạt động của tổ, không phải số liệu chính thức",
        "The team's own activity figures, not official portal statistics",
    ),
    # issue 15: dossier updates
    "bad_dossier_id": ("Mã hồ sơ không hợp lệ.", "Invalid dossier id."),
    "dossier_id_required": ("Chọn hồ sơ cần cập nhật.", "Choose the dossier to update."),
    "update_needs_change": (
        "Chọn ít nhất một thay đổi: tình trạng, lệ phí, số hồ sơ hoặc số biên lai.",
        "Choose at least one change: status, fee, dossier number or receipt number.",
    ),
    "payment_status_needs_paid": (
        "Chỉ ghi cách xác nhận thanh toán khi lệ phí đã nộp trực tuyến.",
        "Only say how a payment is known when the fee was paid online.",
    ),
}

# -- app.*: the phone app's screens (fieldapp.ui, t("key")); new phone strings go here ---
APP: dict[str, tuple[str, str]] = {
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
    # issue 15: dossiers on the phone (follow-up list, update, slip)
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
        "Đưa phiếu cho hộ (hoặc để hộ chụp màn hình): quét mã, đăng nhập VNeID để tra "
        "cứu hồ sơ và thanh toán phí.",
        "Give the slip to the household (or let them photograph the screen): the "
        "codes open the dossier look-up and payment pages; sign in with VNeID.",
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
        "{name}: {n} hồ sơ · có kết quả {results}/{n} ({result_pct}) · bị từ chối "
        "{refused} · quá hạn {late} · phí nộp trực tuyến {paid}/{fees} ({paid_pct})",
        "{name}: {n} dossiers · result received {results}/{n} ({result_pct}) · "
        "refused {refused} · past their time {late} · fees paid online {paid}/{fees} "
        "({paid_pct})",
    ),
}

# -- console.*: the officers' console (fieldapp.server.console, t("key")) -----------------
CONSOLE: dict[str, tuple[str, str]] = {
    "console": ("Trang quản trị", "Officers' console"),
    "app_name": ("fieldapp – Tổ công nghệ số cộng đồng", "fieldapp – community digital teams"),
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
    # issue 15: dossiers followed through
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
}

# -- audit.*: the console's audit-log actions ---------------------------------------------
AUDIT: dict[str, tuple[str, str]] = {
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

# -- import.*: what a list import tells the officer (severity in fieldapp.server.imports);
# a problem the domain rules also report (``required``, ``too_long``) keeps their code ---
IMPORT: dict[str, tuple[str, str]] = {
    # -- the file as a whole ------------------------------------------------------------
    "bad_file": (
        "Không đọc được tệp: cần tệp Excel (.xlsx) hoặc CSV.",
        "Cannot read the file: an Excel (.xlsx) or CSV file is needed.",
    ),
    "empty_file": ("Tệp không có dữ liệu.", "The file holds no data."),
    "no_header": (
        "Không tìm thấy dòng tiêu đề cột (ví dụ «Họ tên chủ hộ», «Thôn/TDP») trong 30 dòng đầu.",
        "No header row (such as «Họ tên chủ hộ», «Thôn/TDP») in the first 30 rows.",
    ),
    "not_utf8": (
        "Tệp CSV không phải UTF-8; đã đọc theo bảng mã Windows-1258 — hãy kiểm tra dấu.",
        "The CSV file is not UTF-8; read as Windows-1258 — please check the diacritics.",
    ),
    "other_sheets": (
        "Chỉ đọc trang «{sheet}»; các trang khác không có bảng phù hợp.",
        "Only sheet «{sheet}» was read; the other sheets hold no matching table.",
    ),
    # -- columns ------------------------------------------------------------------------
    "id_column": (
        "Cột {column} («{header}») chứa số CMND/CCCD: bị từ chối, không đọc và không lưu"
        " (Luật Bảo vệ dữ liệu cá nhân 91/2025; fieldapp không lưu số định danh).",
        "Column {column} («{header}») holds ID-card (CMND/CCCD) numbers: refused, neither"
        " read nor stored (personal-data law 91/2025; fieldapp never stores ID numbers).",
    ),
    "birth_date_column": (
        "Cột {column} («{header}») chứa ngày tháng năm sinh đầy đủ: bị từ chối, không đọc"
        " và không lưu (thu thập tối thiểu theo Luật 91/2025).",
        "Column {column} («{header}») holds full dates of birth: refused, neither read nor"
        " stored (data minimisation, law 91/2025).",
    ),
    "unknown_field": (
        "Trường «{label}» không có trong loại danh sách này.",
        "Field «{label}» does not belong to this kind of list.",
    ),
    "unknown_column": (
        "Không có cột {column} trong bảng.",
        "There is no column {column} in the table.",
    ),
    "refused_column": (
        "Cột {column} đã bị từ chối (số định danh hoặc ngày sinh), không thể dùng cho «{label}».",
        "Column {column} was refused (ID numbers or dates of birth) and cannot be used for"
        " «{label}».",
    ),
    "column_twice": (
        "Cột {column} được chọn cho cả «{label}» và «{other}».",
        "Column {column} is chosen for both «{label}» and «{other}».",
    ),
    "field_missing": (
        "Chưa chọn cột cho «{label}».",
        "No column chosen for «{label}».",
    ),
    "name_or_address_missing": (
        "Cần chọn cột «Họ tên chủ hộ» hoặc «Địa chỉ».",
        "Choose a column for the head of household or the address.",
    ),
    "no_villages": (
        "Xã/phường này chưa có thôn/tổ dân phố nào: hãy tạo thôn trước khi nhập hộ.",
        "This ward has no villages yet: create them before importing households.",
    ),
    "no_teams": (
        "Xã/phường này chưa có tổ CNSCĐ nào: hãy tạo tổ trước khi nhập thành viên.",
        "This ward has no teams yet: create them before importing members.",
    ),
    # -- rows skipped without a problem --------------------------------------------------
    "subtotal_row": ("Dòng tổng cộng: bỏ qua.", "Subtotal row: skipped."),
    "header_repeat": ("Dòng tiêu đề lặp lại: bỏ qua.", "Repeated header row: skipped."),
    "column_numbers": (
        "Dòng đánh số cột: bỏ qua.",
        "Row of column numbers: skipped.",
    ),
    # -- cells --------------------------------------------------------------------------
    "unknown_village": (
        "Không có thôn/tổ dân phố «{value}» trong xã/phường; sửa tên hoặc tạo thôn trước.",
        "No village «{value}» in this ward; correct the name or create the village first.",
    ),
    "ambiguous_village": (
        "«{value}» khớp nhiều thôn/tổ dân phố ({choices}); ghi rõ hơn.",
        "«{value}» matches several villages ({choices}); be more specific.",
    ),
    "unknown_team": (
        "Không có tổ «{value}» trong xã/phường.",
        "No team «{value}» in this ward.",
    ),
    "ambiguous_team": (
        "«{value}» khớp nhiều tổ ({choices}); ghi đúng tên tổ.",
        "«{value}» matches several teams ({choices}); write the team's name.",
    ),
    "bad_role": (
        "Vai trò «{value}» không rõ: ghi «Tổ trưởng» hoặc «Tổ viên».",
        "Unknown role «{value}»: write «Tổ trưởng» (leader) or «Tổ viên» (member).",
    ),
    "officer_role": (
        "Cán bộ xã/tỉnh không nhập qua danh sách: dùng «fieldapp admin create-officer».",
        "Officers are not imported from a list: use «fieldapp admin create-officer».",
    ),
    "id_number_in_cell": (
        "Ô này có dạng số CMND/CCCD: không được lưu. Xoá số đó khỏi ô rồi nhập lại.",
        "This cell looks like an ID-card (CMND/CCCD) number, which must not be stored."
        " Remove it and import again.",
    ),
    "birth_date_in_cell": (
        "Ô này có ngày tháng năm sinh: không được lưu. Xoá ngày đó khỏi ô rồi nhập lại.",
        "This cell holds a full date (of birth?), which must not be stored. Remove it and"
        " import again.",
    ),
    "several_phones": (
        "Ô có nhiều số điện thoại: chỉ lưu số đầu tiên.",
        "The cell holds several phone numbers: only the first is kept.",
    ),
    "bad_count": (
        "Số nhân khẩu phải là số nguyên từ 1 đến 30.",
        "The number of people must be a whole number from 1 to 30.",
    ),
    "duplicate_row": (
        "Trùng hoàn toàn với dòng {other}: bỏ qua.",
        "Exactly the same as row {other}: skipped.",
    ),
    "same_household_twice": (
        "Cùng hộ với dòng {other} (cùng thôn, chủ hộ và địa chỉ) nhưng khác thông tin;"
        " giữ một dòng.",
        "The same household as row {other} (village, head and address) with other details;"
        " keep one row.",
    ),
    "same_record_twice": (
        "Dòng này và dòng {other} cùng khớp một bản ghi đã có trên máy chủ; giữ một dòng.",
        "This row and row {other} both match the same record on the server; keep one row.",
    ),
    "same_member_twice": (
        "Cùng thành viên với dòng {other} (cùng tên và tổ) nhưng khác thông tin; giữ một dòng.",
        "The same member as row {other} (name and team) with other details; keep one row.",
    ),
    "deleted_on_server": (
        "Hộ này đã bị xoá trên máy chủ: không khôi phục.",
        "This household was deleted on the server: not restored.",
    ),
    "not_in_ward": (
        "Thành viên này thuộc xã/phường khác; không chuyển qua nhập danh sách.",
        "This member belongs to another ward; not moved by an import.",
    ),
}

# -- location.*: why the phone got no position (fieldapp.app_services.location) -----------
LOCATION: dict[str, tuple[str, str]] = {
    "denied": (
        "Chưa được phép lấy vị trí. Hãy cho phép truy cập vị trí, hoặc nhập vị trí bằng tay.",
        "Location access was not allowed. Allow it, or type the location by hand.",
    ),
    "denied_forever": (
        "Ứng dụng bị chặn lấy vị trí. Mở Cài đặt của điện thoại để cho phép, "
        "hoặc nhập vị trí bằng tay.",
        "Location access is blocked. Allow it in the phone's Settings, "
        "or type the location by hand.",
    ),
    "timeout": (
        "Không lấy được vị trí sau {s} giây (có thể do ở trong nhà). "
        "Thử lại ngoài trời hoặc nhập vị trí bằng tay.",
        "No location after {s} seconds (perhaps indoors). "
        "Try again outdoors or type the location by hand.",
    ),
    "unavailable": (
        "Thiết bị hoặc trình duyệt này không lấy được vị trí. Hãy nhập vị trí bằng tay.",
        "This device or browser cannot provide a location. Type it by hand.",
    ),
    "bad_fix": (
        "Vị trí nhận được không hợp lệ. Thử lại hoặc nhập vị trí bằng tay.",
        "The location received is not valid. Try again or type it by hand.",
    ),
}


def _merge() -> dict[str, tuple[str, str]]:
    """Every section under its prefix; a key defined twice is a mistake caught at import."""
    merged: dict[str, tuple[str, str]] = dict(CODES)
    for prefix, section in (
        ("app", APP),
        ("console", CONSOLE),
        ("audit", AUDIT),
        ("import", IMPORT),
        ("location", LOCATION),
    ):
        for key, pair in section.items():
            merged[f"{prefix}.{key}"] = pair
    return merged


MESSAGES: dict[str, tuple[str, str]] = _merge()


def words(code: str) -> tuple[str, str]:
    """(Vietnamese, English) of ``code``, unformatted.

    >>> words("unknown_supersedes")[1]
    'The visit being corrected was not found.'
    """
    return MESSAGES[code]


def text(code: str, /, lang: str = "vi", **fmt: object) -> str:
    """The message for ``code`` in ``lang`` (Vietnamese unless ``"en"``), formatted.

    ``code`` is positional-only, so a placeholder may be called ``code`` too.

    >>> text("console.n_rows", "en", n=3)
    '3 rows'
    """
    vi, en = MESSAGES[code]
    chosen = en if lang == "en" else vi
    return chosen.format(**fmt) if fmt else chosen
