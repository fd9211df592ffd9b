"""Vietnamese unless the user picks English with the switch; the browser's language is not asked."""


def test_an_english_browser_still_gets_vietnamese(client):
    page = client.get("/tai-khoan/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "vi"
    assert "Đăng nhập" in page.content.decode()


def test_the_switch_sets_english_and_back(client, world):
    client.force_login(world.users["admin_a"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/lam-viec/"})
    page = client.get("/lam-viec/", follow=True)
    assert page["Content-Language"] == "en"
    assert 'value="vi">Tiếng Việt</button>' in page.content.decode()
    client.post("/i18n/setlang/", {"language": "vi", "next": "/lam-viec/"})
    assert client.get("/lam-viec/", follow=True)["Content-Language"] == "vi"


def test_an_unknown_language_cookie_falls_back_to_vietnamese(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert client.get("/tai-khoan/dang-nhap/")["Content-Language"] == "vi"
