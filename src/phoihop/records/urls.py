from django.urls import path

from . import people_views, views

app_name = "records"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/them/", views.record_create, name="create"),
    path("<slug:slug>/xuat.xlsx", views.record_export, name="export"),
    path("<slug:slug>/in.pdf", views.record_print, name="print"),
    path("chuyen-sinh-hoat/", people_views.move_lists, name="moves"),
    path("co-the-trung/", people_views.duplicate_list, name="duplicates"),
    path("nguoi/<str:code>/chuyen-di/", people_views.move_out, name="move_out"),
    path("nguoi/<str:code>/", views.person, name="person"),
    path("<slug:slug>/", views.record_list, name="list"),
    path("<slug:slug>/<str:key>/sua/", views.record_edit, name="edit"),
]
