"""Every sentence the sandbox console prints, in Vietnamese (the console is a Telegram stand-in)."""

from __future__ import annotations

HELP = """\
Gõ tin nhắn như trong Telegram (ví dụ /start, /help, /tasks). Lệnh của bảng điều khiển:
  :ds                  danh sách nhân vật
  :chon N              đóng vai nhân vật N (xem luôn tin mới gửi cho họ)
  :nhom / :rieng       nói trong nhóm «{group}» / quay về chat riêng với bot
  :bam N               bấm nút thứ N của tin gần nhất có nút  (:bam #ID N: của tin số ID)
  :bam CHỮ             bấm nút có chữ đó, gõ có dấu hay không  (ví dụ :bam gia han)
  :tl TEXT             trả lời (reply) tin gần nhất của bot    (:tl #ID TEXT: tin số ID)
  :tl :anh FILE        trả lời bằng ảnh (cũng được với :tep, :vitri)
  :anh FILE [chú thích]  gửi ảnh từ tệp, kèm chú thích nếu có
  :tep FILE [chú thích]  gửi tệp (tài liệu; ảnh gửi dạng tệp giữ nguyên EXIF)
  :dan [/LỆNH] FILE    dán nội dung một tệp văn bản thành một tin (ví dụ :dan /vanban vb.txt)
  :sdt SỐ              chia sẻ số điện thoại của mình (ví dụ :sdt +84 912 000 005)
  :vitri VĨ_ĐỘ KINH_ĐỘ   gửi vị trí (ví dụ :tl :vitri 10.61 106.67)
  :? (:help, :giup)    xem lại bảng này
  :thoat               thoát (hoặc Ctrl-D, Ctrl-C)
Tin của bot có số #ID; tệp bot gửi (bảng tính, biểu đồ) được lưu vào {files}.
Ảnh mẫu để thử: {samples}/nha-1.jpg, nha-2.jpg (ảnh 2 có thời gian và vị trí chụp)."""

STARTED = (
    "SANDBOX: không có TELEGRAM_BOT_TOKEN — chạy với Telegram giả lập tại {url} "
    "(no token: running against the local Bot API emulator).\n"
    "Cơ sở dữ liệu: {db}"
)
BUSY = "Một sandbox khác đang chạy trên thư mục dữ liệu {data}; hãy dùng nó, hoặc dừng nó trước."
RUNNING = "Bot đang chạy; nhấn Ctrl-C để dừng."
STOPPED = "Đã dừng sandbox. Chạy lại bất cứ lúc nào: dữ liệu được giữ trong {data}."
PLAYING = "Đang đóng vai: {label}"
IN_GROUP = "Đang nói trong nhóm «{group}» với tư cách {name}."
PERSONA_LINE = "  {number}. {label}"
NOT_ACTIVATED = ", chưa kích hoạt"  # the end of a seeded label, until the persona is linked
LINKED = "{name} — {role}{where}"  # a persona linked to an official the demo did not seed for them
UNSEEN = "📨 {count} tin mới cho {name} (:chon {number} để xem)"
UNSEEN_GROUP = "📨 {count} tin mới trong nhóm «{group}» (:nhom để xem)"
BOT = "🤖 Nhắc việc [#{id}]{verb}:"
EDITED = " (sửa tin)"
DELETED = "🤖 Nhắc việc đã xóa tin #{id}."
TOAST = "💬 {text}"
ALERT = "⚠️ {text}"
PHOTO = "[ảnh]"
TAP_CONTACT = "(bấm bằng :sdt SỐ)"
TAP_TEXT = "(bấm bằng cách gõ đúng chữ này)"
SAVED = "📎 Đã lưu tệp bot gửi: {path}"
NO_ANSWER = "(bot không trả lời)"
NO_BUTTON = "Không có nút số {number} ở tin nhắn #{id}."
NO_LABEL = "Không có đúng một nút «{label}» ở tin nhắn #{id}."
NO_BUTTONS = "Chưa có tin nào có nút để bấm."
NO_MESSAGE = "Không có tin #{id} trong cuộc trò chuyện này."
NOTHING_TO_REPLY = "Bot chưa gửi tin nào để trả lời."
NO_PERSONA = "Không có nhân vật số {number}; gõ :ds để xem danh sách."
NO_FILE = "Không tìm thấy tệp «{path}»."
LINE_CUT = (
    "⚠️ Dòng vừa gõ dài quá giới hạn của cửa sổ dòng lệnh ({limit} byte) nên đã bị cắt; chưa gửi "
    "gì. Để gửi văn bản dài, lưu vào một tệp rồi dùng :dan TỆP (hoặc :tl rồi dán phần ngắn hơn)."
)
LINE_BROKEN = "⚠️ Dòng vừa gõ có ký tự hỏng (không phải UTF-8), nên chưa gửi gì. Gõ lại giúp."
UNREADABLE = "Không đọc được tệp «{path}»: {reason}."
BAD_COMMAND = "Không hiểu lệnh «{line}»; gõ :? để xem các lệnh của bảng điều khiển."
REFUSED = "Telegram giả lập từ chối: {reason}"
