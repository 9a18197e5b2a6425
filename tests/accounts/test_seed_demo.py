import pytest
from django.core.management import call_command

from accounts.models import ContractorCompany, User


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_logins(capsys):
    call_command("seed_demo")
    call_command("seed_demo")

    out = capsys.readouterr().out
    assert "customer@example.com" in out
    assert "contractor@example.com" in out
    assert "staff@example.com" in out
    assert User.objects.filter(email="customer@example.com").count() == 1
    assert ContractorCompany.objects.count() == 1
    staff = User.objects.get(email="staff@example.com")
    assert staff.is_superuser and staff.is_staff
    assert User.objects.get(email="contractor@example.com").company.is_verified


@pytest.mark.django_db
def test_demo_customer_can_log_in(client):
    call_command("seed_demo")

    client.post("/accounts/login/", {"login": "customer@example.com", "password": "msa-demo-2026"})

    assert "_auth_user_id" in client.session
