"""HTML of article bodies: sanitised with nh3 when saved and again when shown.

Pictures must be the portal's own uploads (`/media/portal/…`): a pasted picture from another site, a
tracking pixel or a `data:` image loses its address and is dropped. Plain text with blank lines between
paragraphs (typed or pasted without markup) becomes one `<p>` per paragraph.
"""

import html as _html
import re

import nh3
from django.conf import settings

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "mark",
    "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a", "img", "figure", "figcaption",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "span", "div",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "loading"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
BLOCK_RE = re.compile(r"<(p|h[1-6]|ul|ol|table|figure|blockquote|div|hr)\b", re.I)
IMG_WITHOUT_SRC_RE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>", re.I)
EMPTY_FIGURE_RE = re.compile(r"<figure>\s*(<figcaption>.*?</figcaption>)?\s*</figure>", re.I | re.S)


def _own_picture(url: str) -> bool:
    prefix = f"{settings.MEDIA_URL.rstrip('/')}/portal/"
    return url.startswith(prefix) and ".." not in url and "//" not in url[1:]


def _attribute(tag: str, name: str, value: str) -> str | None:
    if tag == "img" and name == "src" and not _own_picture(value):
        return None
    if tag == "img" and name in ("width", "height") and not value.isdigit():
        return None
    return value


def paragraphs(text: str) -> str:
    """Plain text → HTML paragraphs: a blank line separates paragraphs, a single line break stays one."""
    out = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        if chunk.strip():
            out.append("<p>" + "<br>".join(line.strip() for line in chunk.strip().split("\n")) + "</p>")
    return "\n".join(out)


def clean_html(value: str) -> str:
    """Only formatting tags, links and the portal's pictures stay: no script, style, event handler,
    tracking pixel or javascript: URL."""
    value = value or ""
    if value.strip() and not BLOCK_RE.search(value):
        value = paragraphs(value)
    cleaned = nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    cleaned = IMG_WITHOUT_SRC_RE.sub("", cleaned)
    return EMPTY_FIGURE_RE.sub("", cleaned)


def images_without_alt(value: str) -> int:
    """How many pictures in a (cleaned) body have no text alternative."""
    return sum(
        1
        for tag in re.findall(r"<img\b[^>]*>", value or "", re.I)
        if not re.search(r'\salt="[^"]*\S[^"]*"', tag)
    )


def text_of(value: str) -> str:
    """The plain text of an HTML fragment (for search and summaries)."""
    text = nh3.clean(value or "", tags=set(), clean_content_tags={"script", "style"})
    return " ".join(_html.unescape(text).split())
