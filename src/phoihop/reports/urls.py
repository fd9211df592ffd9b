from django.urls import path

from . import register_views, views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("tai-ve.<str:fmt>", views.download, name="download"),
    path("soan-thao/", register_views.draft, name="draft"),
    path("ban-hanh/", register_views.issue, name="issue"),
    path("so-bao-cao/", register_views.register_list, name="register"),
    path("so-bao-cao/<int:pk>/", register_views.issued, name="issued"),
    path("so-bao-cao/<int:pk>/tai-ve.<str:fmt>", register_views.issued_file, name="issued_file"),
    path("so-bao-cao/<int:pk>/dang-cong/", register_views.publish, name="publish"),
    path("mau/", register_views.templates, name="templates"),
    path("mau/mau-mac-dinh.docx", register_views.builtin_template, name="builtin_template"),
]
