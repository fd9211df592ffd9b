from django.urls import path

from . import views

app_name = "workbook"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("nhap/<int:pk>/", views.job_page, name="job"),
    path("nhap/<int:pk>/trang-thai/", views.job_status, name="job_status"),
    path("nhap/<int:pk>/loi.xlsx", views.job_errors, name="job_errors"),
    path("mau-trong.xlsx", views.template, name="template"),
    path("xuat.xlsx", views.export, name="export"),
    path("xuat-csv.zip", views.export_csv, name="export_csv"),
]
