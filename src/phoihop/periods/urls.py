from django.urls import path

from . import views

app_name = "periods"
urlpatterns = [
    path("", views.index, name="index"),
    path("thong-bao/", views.notifications, name="notifications"),
    path("chuong-trinh/moi/", views.program_create, name="program_create"),
    path("chuong-trinh/<str:program>/", views.program_settings, name="program"),
    path("<str:program>/<str:period>/", views.board, name="board"),
    path("<str:program>/<str:period>/<str:unit>/", views.unit_report, name="unit"),
]
