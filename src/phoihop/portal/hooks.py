"""What the portal plugs into the layers below it when Django starts (portal/apps.py calls `connect()`):
an issued report is published as a draft article written here. The reports never import the portal."""

from phoihop.reports.services import register_article_writer

from .services import draft_article_from_report


def connect() -> None:
    register_article_writer(draft_article_from_report)
