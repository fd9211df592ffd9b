from django.urls import path

from . import views

app_name = "records"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/them/", views.record_create, name="create"),
    path("nguoi/<str:code>/", views.person, name="person"),
    path("<slug:slug>/", views.record_list, name="list"),
    path("<slug:slug>/<str:key>/sua/", views.record_edit, name="edit"),
]
