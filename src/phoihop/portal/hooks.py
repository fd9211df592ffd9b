"""What the portal plugs into the layers below it when Django starts (portal/apps.py calls `connect()`):
an issued report is published as a draft article written here. The reports never import the portal."""

from phoihop.reports.services import register_article_writer


def connect() -> None:
    register_article_writer(_draft_article)


def _draft_article(**kwargs):
    # The portal's services (and the image library under them) load on the first publication, not when
    # every command and server starts.
    from .services import draft_article_from_report

    return draft_article_from_report(**kwargs)
