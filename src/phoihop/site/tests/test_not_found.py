"""A missing page: portal visitors see the portal's page, staff the staff one; both say 404."""


def test_a_visitor_gets_the_portal_404(client, db):
    response = client.get("/tin-tuc/khong-co-bai-nay/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Không tìm thấy trang" in text
    assert "Về trang chủ" in text


def test_a_signed_in_user_gets_the_staff_404(client, world):
    client.force_login(world.users["admin_a"])
    response = client.get("/don-vi/KHONG-CO/")
    assert response.status_code == 404
    assert "Về trang chủ" not in response.content.decode()
    assert "Không tìm thấy trang" in response.content.decode()
