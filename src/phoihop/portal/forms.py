from django import forms
from django.utils.translation import gettext_lazy as _

from phoihop.core.forms import DayField

from .models import Article, Category
from .services import EDITABLE_FIELDS


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=300)
    slug = forms.CharField(
        label=_("Đường dẫn"),
        max_length=100,
        required=False,
        help_text=_("Để trống: tạo từ tiêu đề, không dấu (ví dụ: cong-doan-lao-cai)."),
    )
    category = forms.ModelChoiceField(
        label=_("Chuyên mục"), queryset=Category.objects.all(), required=False, empty_label=_("— không —")
    )
    summary = forms.CharField(
        label=_("Tóm tắt"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=1000
    )
    body = forms.CharField(
        label=_("Nội dung"),
        widget=forms.Textarea(attrs={"rows": 22, "class": "html-editor"}),
        required=False,
        help_text=_(
            "Dán từ Word giữ đoạn văn, tiêu đề, danh sách, bảng và ảnh có chú thích; ảnh dán vào được tải lên "
            "thư viện ảnh của bài. Mã lệnh, kiểu chữ và ảnh từ trang khác bị loại bỏ."
        ),
    )
    author_name = forms.CharField(label=_("Tác giả (người viết bài)"), max_length=200, required=False)
    photo_credit = forms.CharField(
        label=_("Nguồn ảnh (người chụp, nơi cung cấp ảnh)"), max_length=200, required=False
    )
    featured = forms.BooleanField(label=_("Tin nổi bật"), required=False)
    publish_at = forms.DateTimeField(
        label=_("Thời điểm xuất bản"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        help_text=_("Để trống: xuất bản ngay khi duyệt. Thời điểm trong tương lai: tự xuất bản khi đến giờ."),
    )

    @classmethod
    def for_article(cls, article: Article | None, data=None):
        initial = {}
        if article is not None:
            initial = {
                name: getattr(article, name)
                for name in EDITABLE_FIELDS
                if name not in ("category", "cover")  # the category by id; the cover is not a form field
            }
            initial["category"] = article.category_id
        return cls(data=data, initial=initial)


class ImageForm(forms.Form):
    # Empty files reach the image check, which names the problem in Vietnamese.
    image = forms.FileField(label=_("Ảnh (JPEG, PNG, GIF, WebP; tối đa 10 MB)"), allow_empty_file=True)
    alt = forms.CharField(label=_("Mô tả ảnh cho người khiếm thị (bắt buộc)"), max_length=300, required=False)
    caption = forms.CharField(label=_("Chú thích"), max_length=300, required=False)
    credit = forms.CharField(label=_("Nguồn ảnh"), max_length=200, required=False)
    cover = forms.BooleanField(label=_("Dùng làm ảnh đại diện"), required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Article.Status.choices)
    comment = forms.CharField(label=_("Nhận xét"), max_length=4000, required=False)


class SiteInfoForm(forms.Form):
    governing_body = forms.CharField(label=_("Cơ quan chủ quản"), max_length=300, required=False)
    address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=100, required=False)
    email = forms.EmailField(
        label=_("Thư điện tử"),
        max_length=200,
        required=False,
        error_messages={"invalid": _("Thư điện tử: địa chỉ không hợp lệ.")},
    )
    licence = forms.CharField(label=_("Giấy phép (số, ngày, cơ quan cấp)"), max_length=300, required=False)
    responsible_person = forms.CharField(
        label=_("Người chịu trách nhiệm nội dung"), max_length=200, required=False
    )


class DocumentForm(forms.Form):
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=100, required=False)
    title = forms.CharField(label=_("Trích yếu"), max_length=400)
    issued_on = DayField(  # typed dd/mm/yyyy (core.forms)
        label=_("Ngày ban hành"),
        error_messages={
            "invalid": _("Ngày ban hành: ngày không hợp lệ."),
            "required": _("Ngày ban hành: chưa nhập."),
        },
    )
    file = forms.FileField(label=_("Tệp PDF (tối đa 20 MB)"))
    published = forms.BooleanField(label=_("Công bố ngay"), required=False, initial=True)


class StatsForm(forms.Form):
    tu = DayField(label=_("Từ ngày"), required=False)  # typed dd/mm/yyyy (core.forms)
    den = DayField(label=_("Đến ngày"), required=False)


class ReportDraftForm(forms.Form):
    program = forms.CharField(label=_("Chương trình"), max_length=64)
    date_from = forms.CharField(label=_("Từ ngày"), max_length=10, required=False)
    date_to = forms.CharField(label=_("Đến ngày"), max_length=10, required=False)
    scope = forms.CharField(label=_("Đơn vị"), max_length=64, required=False)
    title = forms.CharField(label=_("Tiêu đề"), max_length=300, required=False)
    slug = forms.CharField(label=_("Đường dẫn"), max_length=100, required=False)
