from housing.models import Role
from tests.factories import make_user


def test_health_check_answers_with_database_state(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_dashboard_of_each_role_renders(client, login):
    for role in Role:
        user = make_user(role)
        login(user)
        response = client.get("/")
        assert response.status_code == 200, role
