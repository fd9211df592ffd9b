"""The newsroom in headless Chromium, under the site's Content Security Policy, on the demo province:
a writer pastes a real Word document (two pictures with captions and a table) into the editor, sends it
for review; a second editor approves it; readers see it at 1366 and 390 px. Drafts from the 2021–2025
and 2017–2020 reports. axe-core (tests/vendor/axe.min.js, pinned) finds no WCAG 2.1 AA violation on
the portal's pages and the newsroom's. Screenshots go to docs/screenshots/ with PHOIHOP_SCREENSHOTS=1.
"""

import io
import re

import pytest
from django.core.management import call_command
from PIL import Image, ImageDraw

from phoihop.accounts.models import User
from phoihop.portal.models import Article, Document
from phoihop.testing.browser import axe_violations, chromium_browser, have_chromium, sign_in
from phoihop.testing.screens import shoot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not have_chromium(), reason="Debian's chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


def _picture(text: str, colour) -> bytes:
    image = Image.new("RGB", (1200, 700), colour)
    ImageDraw.Draw(image).rectangle((100, 100, 1100, 600), outline=(255, 255, 255), width=12)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def word_document_html() -> str:
    """A real .docx made with python-docx (heading, paragraphs, a list, two pictures with Word captions,
    a table), turned into the HTML a paste carries by mammoth."""
    import docx
    import mammoth
    from docx.shared import Cm

    document = docx.Document()
    document.add_heading("Kết quả thành lập công đoàn cơ sở", level=2)
    document.add_paragraph("Năm 2024, Liên đoàn Lao động tỉnh thành lập mới 25 công đoàn cơ sở.")
    document.add_paragraph("Các huyện vùng cao có nhiều chuyển biến.")
    document.add_paragraph("Bát Xát: 6 công đoàn cơ sở", style="List Bullet")
    document.add_paragraph("Sa Pa: 4 công đoàn cơ sở", style="List Bullet")
    for n, colour in ((1, (196, 22, 28)), (2, (13, 76, 146))):
        document.add_picture(io.BytesIO(_picture(f"Ảnh {n}", colour)), width=Cm(12))
        document.add_paragraph(f"Hình {n}: Lễ ra mắt công đoàn cơ sở số {n}", style="Caption")
    table = document.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    for r, row in enumerate(
        (("Huyện", "CĐCS mới", "Đoàn viên mới"), ("Bát Xát", "6", "210"), ("Sa Pa", "4", "150"))
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("Ban Tuyên giáo tổng hợp.")
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return mammoth.convert_to_html(buffer, style_map="p[style-name='Caption'] => p.caption:fresh").value


_session = sign_in


PASTE = """(html) => {
  const target = document.querySelector('.ProseMirror');
  target.focus();
  const data = new DataTransfer();
  data.setData('text/html', html);
  data.setData('text/plain', 'x');
  target.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
}"""


def test_axe_finds_what_it_is_asked_to_find(chromium):
    """The checker itself: the old logo link (visible name not in its accessible name) and a picture
    without a text alternative are reported."""
    page = chromium.new_page()
    page.set_content(
        '<html lang="vi"><title>t</title><main><a href="/" aria-label="Trang chủ">Liên đoàn Lao động</a>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></html>'
    )
    found = " ".join(axe_violations(page))
    assert "label-content-name-mismatch" in found and "image-alt" in found


@pytest.fixture
def demo(live_server, monkeypatch):
    pytest.importorskip("playwright")
    pytest.importorskip("mammoth")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    call_command("demo", verbosity=0)
    writer = User.objects.get(username="bientap")
    reviewer = User.objects.create(username="bientap2", role="news_editor", unit=writer.unit)
    return writer, reviewer


@pytest.fixture
def chromium():
    with chromium_browser() as browser:
        yield browser


def test_word_article_through_review_to_the_portal(live_server, demo, chromium):
    writer, reviewer = demo
    html = word_document_html()
    assert html.count("<img") == 2 and "<table>" in html

    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    _session(live_server, context, writer)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/tin-tuc-bien-tap/viet-moi/")
    page.fill("#id_title", "Công đoàn cơ sở mới ở vùng cao")
    page.fill("#id_summary", "Hai mươi lăm công đoàn cơ sở ra đời trong năm 2024.")
    page.fill("#id_author_name", "Thu Hà")
    page.fill("#id_photo_credit", "Minh Anh")
    page.wait_for_selector(".ProseMirror")
    page.evaluate(PASTE, html)
    # Both pasted pictures go to the gallery and come back with the portal's own addresses.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.ProseMirror figure img')].filter(i => i.src.includes('/media/portal/')).length === 2",
        timeout=20_000,
    )
    editor = page.locator(".ProseMirror")
    assert editor.locator("table td").count() == 9
    assert editor.locator("figcaption").all_inner_texts() == [
        "Hình 1: Lễ ra mắt công đoàn cơ sở số 1",
        "Hình 2: Lễ ra mắt công đoàn cơ sở số 2",
    ]
    assert editor.locator("li").count() == 2 and editor.locator("h2").count() == 1
    shoot(page, "newsroom-editor-paste.png", full_page=True)
    page.click("button.primary:has-text('Lưu')")
    page.wait_for_url(re.compile(r"/tin-tuc-bien-tap/\d+/$"))
    article = Article.objects.get(title="Công đoàn cơ sở mới ở vùng cao")
    assert article.body.count("<figure>") == 2 and article.body.count("<figcaption>") == 2
    assert "<table>" in article.body and article.images.count() == 2
    assert 'alt="Hình 1: Lễ ra mắt công đoàn cơ sở số 1"' in article.body
    page.click("button:has-text('Gửi duyệt')")
    page.wait_for_selector("[data-status=review]")
    # The writer is offered no approval (four-eyes).
    assert page.locator("button:has-text('Duyệt và xuất bản')").count() == 0
    shoot(page, "newsroom-sent-for-review.png")
    assert axe_violations_in(chromium, live_server, writer, f"/tin-tuc-bien-tap/{article.pk}/") == []
    assert problems == []

    second = chromium.new_context(viewport={"width": 1366, "height": 900})
    _session(live_server, second, reviewer)
    review = second.new_page()
    review.goto(f"{live_server.url}/tin-tuc-bien-tap/{article.pk}/xem-truoc/")
    assert review.locator(".previewbar").is_visible() and review.locator("h1").inner_text() == article.title
    shoot(review, "newsroom-preview.png")
    review.goto(f"{live_server.url}/tin-tuc-bien-tap/{article.pk}/")
    review.click("button:has-text('Duyệt và xuất bản')")
    review.wait_for_selector("[data-status=published]")
    article.refresh_from_db()
    assert article.is_public() and article.approved_by == reviewer and article.submitted_by == writer

    for width, height, name in ((1366, 900, "portal-article-1366.png"), (390, 844, "portal-article-390.png")):
        reader = chromium.new_context(viewport={"width": width, "height": height})
        view = reader.new_page()
        view.goto(f"{live_server.url}{article.get_absolute_url()}")
        assert view.locator("h1").inner_text() == article.title
        assert view.locator(".body figure img").count() == 2
        assert view.evaluate(
            "() => [...document.querySelectorAll('.body img')].every(i => i.naturalWidth > 0)"
        )
        assert view.locator(".body table").is_visible()
        assert view.locator(".credits").inner_text().replace("\n", " ") == "Thu Hà Nguồn ảnh: Minh Anh"
        # Every section of the menu is on screen, none cut off (a phone too).
        for link in view.locator(".mainnav a").all():
            box = link.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, link.inner_text()
        shoot(view, name, full_page=True)
        reader.close()


def axe_violations_in(chromium, live_server, user, path: str, width: int = 1366) -> list[str]:
    """axe needs its script in the page, which the CSP forbids: a separate context bypasses it."""
    context = chromium.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    if user is not None:
        _session(live_server, context, user)
    page = context.new_page()
    page.goto(f"{live_server.url}{path}")
    found = axe_violations(page)
    context.close()
    return [f"{path}: {v}" for v in found]


HOSTILE = (
    '<p onclick="steal()">Giữ chữ này</p><script>steal()</script><style>p{display:none}</style>'
    '<p><img src="https://tracker.example/p.gif" width="1" height="1"></p>'
    '<p><a href="javascript:alert(1)">liên kết xấu</a></p>'
    '<p><img src="data:image/png;base64,{big}" alt="ảnh quá lớn"></p>'
)


def test_drafts_from_both_reports_and_no_accessibility_violations(live_server, demo, chromium):
    writer, _reviewer = demo
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    _session(live_server, context, writer)
    page = context.new_page()
    # Hostile paste: scripts, styles, a tracking pixel, a javascript: link, an 11 MB picture.
    page.goto(f"{live_server.url}/tin-tuc-bien-tap/viet-moi/")
    page.wait_for_selector(".ProseMirror")
    page.evaluate(PASTE, HOSTILE.replace("{big}", "A" * (15 * 1024 * 1024)))
    page.wait_for_selector(".editor-status.error")
    assert "vượt quá giới hạn 10 MB" in page.inner_text(".editor-status")
    pasted = page.inner_html(".ProseMirror")
    assert "Giữ chữ này" in pasted and "liên kết xấu" in pasted
    for gone in ("steal", "display:none", "tracker.example", "javascript:", "<img"):
        assert gone not in pasted, gone
    for code, years in (("CTPH-2021-2025", "2021-2025"), ("CTPH-2017-2020", "2017-2020")):
        page.goto(f"{live_server.url}/tin-tuc-bien-tap/")
        page.select_option("#program", code)
        page.click("button:has-text('Tiếp tục')")
        slug = page.input_value("#id_slug")
        assert years in slug, slug
        if code == "CTPH-2021-2025":
            shoot(page, "newsroom-from-report.png")
        page.click("button:has-text('Tạo bản nháp')")
        if page.locator("input[name=again]").count():  # the demo already published this period
            page.click("button:has-text('Tạo bản nháp')")
        page.wait_for_url(re.compile(r"/tin-tuc-bien-tap/\d+/$"), timeout=120_000)
        article = Article.objects.get(slug=slug)
        assert article.cover is not None and (article.cover.width, article.cover.height) == (1200, 675)
        assert Document.objects.filter(article=article).exists()
    shoot(page, "newsroom-report-draft.png", full_page=True)

    published = Article.objects.public().first()
    category = published.category
    pages = [
        "/",
        published.get_absolute_url(),
        f"/chuyen-muc/{category.slug}/",
        "/tim-kiem/?q=cong+doan",
        "/van-ban/",
    ]
    staff = [
        "/tin-tuc-bien-tap/",
        "/tin-tuc-bien-tap/viet-moi/",
        f"/tin-tuc-bien-tap/{Article.objects.filter(status='draft').first().pk}/",
        f"/tin-tuc-bien-tap/{published.pk}/phien-ban/",
        "/tin-tuc-bien-tap/thong-ke/",
        "/tin-tuc-bien-tap/van-ban/",
        "/tin-tuc-bien-tap/thong-tin-cong/",
        "/tin-tuc-bien-tap/tu-bao-cao/?program=CTPH-2021-2025",
    ]
    found = []
    for path in pages:
        found += axe_violations_in(chromium, live_server, None, path)
        found += axe_violations_in(chromium, live_server, None, path, width=390)
    for path in staff:
        found += axe_violations_in(chromium, live_server, writer, path)
    assert found == []

    home = chromium.new_context(viewport={"width": 1366, "height": 900}).new_page()
    home.goto(f"{live_server.url}/")
    shoot(home, "portal-home.png")
    titles = home.locator("main a[href^='/tin-tuc/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    article_links = [t for t in titles]
    # Each article is linked from one block only (its picture and its title may both link to it).
    blocks = home.evaluate(
        """() => [...document.querySelectorAll('main article.card, main article.lead, main .popular li, main .latest li')]
              .map(el => el.querySelector("a[href^='/tin-tuc/']").getAttribute('href'))"""
    )
    assert len(blocks) == len(set(blocks)), blocks
    assert article_links
