from django.urls import path

from . import views

app_name = "orgs"
# Codes may hold any character but a leading/trailing slash (the workbook allows "/"), hence <path:code>;
# the act routes come before the unit page so "X/sua/" is the edit form of X.
urlpatterns = [
    path("", views.tree, name="tree"),
    path("doanh-nghiep/<path:code>/", views.enterprise_detail, name="enterprise"),
    path("<path:code>/thanh-lap-don-vi-truc-thuoc/", views.create_child, name="create_child"),
    path("<path:code>/sua/", views.edit, name="edit"),
    path("<path:code>/giai-the/", views.dissolve, name="dissolve"),
    path("<path:code>/sap-nhap/", views.merge, name="merge"),
    path("<path:code>/dieu-chuyen/", views.transfer, name="transfer"),
    path("<path:code>/", views.unit_detail, name="unit"),
]
