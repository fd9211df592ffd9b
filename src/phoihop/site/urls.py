from django.urls import path

from . import views

app_name = "site"
urlpatterns = [
    path("lam-viec/", views.home, name="home"),
]
