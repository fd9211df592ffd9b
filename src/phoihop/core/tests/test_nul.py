"""A NUL character typed or pasted into a search box is dropped, on SQLite and PostgreSQL alike."""


def test_a_nul_in_the_query_string_is_dropped(client, world):
    client.force_login(world.users["admin_a"])
    response = client.get("/don-vi/", {"q": "Bắc\x00 Hà"})
    assert response.status_code == 200
    assert "Liên đoàn Lao động huyện Bắc Hà" in response.content.decode()
