from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("dang-nhap/ma-xac-thuc/", views.otp_verify, name="otp_verify"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("mat-khau/", views.password_change, name="password_change"),
    path("xac-thuc-hai-buoc/", views.otp_setup, name="otp_setup"),
    path("ma-api/", views.tokens, name="tokens"),
    path("ma-api/<int:pk>/thu-hoi/", views.token_revoke, name="token_revoke"),
    path("nguoi-dung/", views.users, name="users"),
    path("nguoi-dung/them/", views.user_create, name="user_create"),
    path("nguoi-dung/<int:pk>/", views.user_edit, name="user_edit"),
]
