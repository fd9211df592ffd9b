from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Category


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.7
    limit = 5000

    def items(self):
        return Article.objects.public().only("slug", "updated_at").order_by("-publish_at", "-id")

    def lastmod(self, item):
        return item.updated_at


class SectionSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return ["home", *Category.objects.values_list("slug", flat=True)]

    def location(self, item):
        return reverse("portal:home") if item == "home" else reverse("portal:category", args=[item])


SITEMAPS = {"articles": ArticleSitemap, "sections": SectionSitemap}
