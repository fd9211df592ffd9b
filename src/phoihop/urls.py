from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    # Django admin signs in through the staff sign-in, so the second factor applies there too.
    path(
        "quan-tri-he-thong/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
        name="admin_login",
    ),
    path("quan-tri-he-thong/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("tai-khoan/", include("phoihop.accounts.urls")),
    path("api/v1/", include("phoihop.api.urls")),
    path("don-vi/", include("phoihop.orgs.urls")),
    path("ho-so/", include("phoihop.records.urls")),
    path("so-du-lieu/", include("phoihop.workbook.urls")),
    path("chi-tieu/", include("phoihop.indicators.urls")),
    path("", include("phoihop.reports.urls")),  # /bao-cao/… and the program overview /chi-tieu/tong-quan/
    path("bao-cao-dinh-ky/", include("phoihop.periods.urls")),
    path("nhat-ky/", include("phoihop.audit.urls")),
    path("du-lieu-ca-nhan/", include("phoihop.privacy.urls")),
    path("", include("phoihop.site.urls")),
    # The public portal owns the site root ("/", "/tin-tuc/<slug>/", feeds, sitemap); it comes last.
    path("", include("phoihop.portal.urls")),
]

handler400 = "phoihop.site.views.bad_request"
handler403 = "phoihop.site.views.forbidden"
handler404 = "phoihop.site.views.not_found"
handler500 = "phoihop.site.views.server_error"
