import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["user", "membership", "countrycoordinator", "invitation"]
)
def test_platform_admin_lists_accounts_records(platform_admin_client, model, people):
    response = platform_admin_client.get(f"/en/admin/accounts/{model}/")
    assert response.status_code == 200


def test_invitations_cannot_be_added_in_the_admin(platform_admin_client):
    assert (
        platform_admin_client.get("/en/admin/accounts/invitation/add/").status_code
        == 403
    )


def test_a_member_cannot_open_the_accounts_admin(clients):
    response = clients["admin_a"].get("/en/admin/accounts/membership/")
    assert response.status_code == 302
