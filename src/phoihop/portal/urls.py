from django.contrib.sitemaps.views import sitemap
from django.urls import path, re_path

from . import editor_views, newsroom_views, views
from .sitemaps import SITEMAPS

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("tin-tuc/<slug:slug>/", views.article, name="article"),
    path("chuyen-muc/<slug:slug>/", views.category, name="category"),
    path("tim-kiem/", views.search, name="search"),
    path("van-ban/", views.documents, name="documents"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("rss.xml", views.LatestRss(), name="rss"),
    path("atom.xml", views.LatestAtom(), name="atom"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots, name="robots"),
    # Only the portal's pictures: other apps keep private uploads under MEDIA_ROOT (workbook imports).
    re_path(r"^media/portal/(?P<path>.+)$", views.media, name="media"),
    path("tin-tuc-bien-tap/", editor_views.editor_index, name="editor_index"),
    path("tin-tuc-bien-tap/viet-moi/", editor_views.editor_new, name="editor_new"),
    path("tin-tuc-bien-tap/tu-bao-cao/", editor_views.draft_from_report, name="draft_from_report"),
    path("tin-tuc-bien-tap/<int:pk>/", editor_views.editor_edit, name="editor_edit"),
    path("tin-tuc-bien-tap/anh/", editor_views.editor_upload, name="editor_upload_new"),
    path("tin-tuc-bien-tap/<int:pk>/anh/", editor_views.editor_upload, name="editor_upload"),
    path("tin-tuc-bien-tap/<int:pk>/phien-ban/", editor_views.editor_revisions, name="editor_revisions"),
    path("tin-tuc-bien-tap/thong-tin-cong/", newsroom_views.site_info, name="site_info"),
    path("tin-tuc-bien-tap/van-ban/", newsroom_views.documents, name="documents_admin"),
    path("tin-tuc-bien-tap/van-ban/<int:pk>/", newsroom_views.document_publish, name="document_publish"),
    path("tin-tuc-bien-tap/thong-ke/", newsroom_views.visitor_stats, name="visitor_stats"),
    path("tin-tuc-bien-tap/<int:pk>/trang-thai/", editor_views.editor_status, name="editor_status"),
    path("tin-tuc-bien-tap/<int:pk>/xem-truoc/", editor_views.editor_preview, name="editor_preview"),
]
