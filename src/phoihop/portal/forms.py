from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Article, Category


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
        label=_("Nội dung (HTML)"),
        widget=forms.Textarea(attrs={"rows": 22, "class": "html-editor"}),
        required=False,
        help_text=_(
            "Được phép: đoạn văn, tiêu đề, in đậm/nghiêng, danh sách, liên kết, ảnh, bảng. Mã lệnh bị loại bỏ."
        ),
    )
    author_name = forms.CharField(label=_("Tác giả"), max_length=200, required=False)
    photo_credit = forms.CharField(label=_("Ảnh"), max_length=200, required=False)
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
                for name in (
                    "title",
                    "slug",
                    "summary",
                    "body",
                    "author_name",
                    "photo_credit",
                    "featured",
                    "publish_at",
                )
            }
            initial["category"] = article.category_id
        return cls(data=data, initial=initial)


class ImageForm(forms.Form):
    # Empty files reach the image check, which names the problem in Vietnamese.
    image = forms.FileField(label=_("Ảnh (JPEG, PNG, GIF, WebP; tối đa 10 MB)"), allow_empty_file=True)
    caption = forms.CharField(label=_("Chú thích"), max_length=300, required=False)
    credit = forms.CharField(label=_("Nguồn ảnh"), max_length=200, required=False)


class ReportDraftForm(forms.Form):
    program = forms.CharField(label=_("Chương trình"), max_length=64)
    date_from = forms.CharField(label=_("Từ ngày"), max_length=10, required=False)
    date_to = forms.CharField(label=_("Đến ngày"), max_length=10, required=False)
    scope = forms.CharField(label=_("Đơn vị"), max_length=64, required=False)
