"""The newsroom editor's words (frontend/portal-editor/src/editor.js) in the page's language.

The script looks each Vietnamese text up in a JSON object the page carries
(`{{ editor_messages|json_script:"editor-i18n" }}`, a data block the CSP allows); the translations live
in the project's one gettext catalogue like every other staff string."""

from django.utils.translation import gettext, gettext_noop

MESSAGES = (
    gettext_noop("Định dạng"),
    gettext_noop("Nội dung"),
    gettext_noop("Đoạn văn"),
    gettext_noop("Tiêu đề"),
    gettext_noop("Tiêu đề nhỏ"),
    gettext_noop("Đậm"),
    gettext_noop("Nghiêng"),
    gettext_noop("Danh sách"),
    gettext_noop("Danh sách số"),
    gettext_noop("Trích dẫn"),
    gettext_noop("Liên kết"),
    gettext_noop("Chèn bảng"),
    gettext_noop("Thêm hàng"),
    gettext_noop("Thêm cột"),
    gettext_noop("Xóa bảng"),
    gettext_noop("Sửa ảnh"),
    gettext_noop("Hoàn tác"),
    gettext_noop("Làm lại"),
    gettext_noop("Địa chỉ liên kết (https://…):"),
    gettext_noop("Liên kết “javascript:” không được phép."),
    gettext_noop("Đang tải ảnh lên…"),
    gettext_noop("Không tải được ảnh."),
    gettext_noop("Đã tải ảnh lên thư viện ảnh của bài."),
    gettext_noop("Đã chèn ảnh vào nội dung."),
    gettext_noop("Hãy chọn một ảnh trong nội dung trước."),
    gettext_noop("Mô tả ảnh cho người khiếm thị (bắt buộc):"),
    gettext_noop("Chú thích ảnh:"),
    gettext_noop("Ảnh cần có mô tả (alt)."),
    gettext_noop("Ảnh dán vào nặng %(size)s MB, vượt quá giới hạn 10 MB: ảnh đã bị bỏ."),
    gettext_noop("Ảnh từ địa chỉ ngoài (%(src)s) bị bỏ: hãy tải ảnh lên thư viện ảnh rồi chèn."),
)


def editor_messages() -> dict[str, str]:
    """Vietnamese text → its translation in the active language (only those that differ)."""
    return {text: gettext(text) for text in MESSAGES if gettext(text) != text}
