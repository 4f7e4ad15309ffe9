from kenesh.core.testing.personas import PASSWORD


def test_login_page_is_public(client, db):
    assert client.get("/login/").status_code == 200


def test_wrong_password_is_refused_in_russian(client, personas):
    response = client.post(
        "/login/", {"username": "staff", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 200
    assert "Пожалуйста, введите правильные" in response.content.decode()


def test_an_expert_signs_in_and_out(client, personas):
    response = client.post("/login/", {"username": "expert", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout/")
    assert client.get("/").status_code == 302


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get("/people/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/people/")
