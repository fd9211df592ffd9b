from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("<str:code>/", views.download, name="download"),
]
