def test_login_page(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b"Sign in" in response.data


def test_home_as_manager(client, db, login_as):
    from tests.factories import FundFactory
    fund = FundFactory()
    login_as("manager", fund)
    response = client.get("/")
    assert response.status_code == 200
    assert fund.name.encode() in response.data
