from django.urls import path

from . import dashboard_views, register_views, views

# Full paths: the program overview keeps its address under /chi-tieu/ (it was the indicators app's page).
app_name = "reports"
urlpatterns = [
    path("chi-tieu/tong-quan/", dashboard_views.dashboard, name="dashboard"),
    path("bao-cao/", views.index, name="index"),
    path("bao-cao/tai-ve.<str:fmt>", views.download, name="download"),
    path("bao-cao/soan-thao/", register_views.draft, name="draft"),
    path("bao-cao/ban-hanh/", register_views.issue, name="issue"),
    path("bao-cao/so-bao-cao/", register_views.register_list, name="register"),
    path("bao-cao/so-bao-cao/<int:pk>/", register_views.issued, name="issued"),
    path("bao-cao/so-bao-cao/<int:pk>/tai-ve.<str:fmt>", register_views.issued_file, name="issued_file"),
    path("bao-cao/so-bao-cao/<int:pk>/dang-cong/", register_views.publish, name="publish"),
    path("bao-cao/mau/", register_views.templates, name="templates"),
    path("bao-cao/mau/mau-mac-dinh.docx", register_views.builtin_template, name="builtin_template"),
]
