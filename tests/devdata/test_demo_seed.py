"""The demo company: deterministic, idempotent, complete enough to explore."""

import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from angsur.dealers.models import Dealer
from angsur.devdata.seed import seed_demo
from angsur.org.models import Branch, User
from angsur.org.roles import Role
from angsur.origination.models import SavedQuote


def test_seed_builds_the_demo_company_and_is_idempotent(db):
    seed_demo()
    counts = (Branch.objects.count(), User.objects.count(), Dealer.objects.count(), SavedQuote.objects.count())
    seed_demo()
    assert (Branch.objects.count(), User.objects.count(), Dealer.objects.count(), SavedQuote.objects.count()) == counts
    branches = Branch.objects.filter(is_head_office=False)
    assert branches.count() >= 3
    assert len({b.time_zone for b in branches}) == 3
    assert Dealer.objects.count() >= 10
    for branch in branches:
        roles = set(User.objects.filter(branch=branch).values_list("role", flat=True))
        assert roles >= set(Role.values) - {Role.HO_ADMIN}
    assert User.objects.filter(role=Role.HO_ADMIN).exists()
    assert all(hasattr(u, "dealer_link") for u in User.objects.filter(role=Role.DEALER))


FINGERPRINT = (
    "from angsur.dealers.models import Dealer; from angsur.org.models import User; "
    "print(sorted(Dealer.objects.values_list('code','name','contact_name','bank_account_number'))); "
    "print(sorted(User.objects.values_list('username','first_name','last_name')))"
)


@pytest.mark.slow
def test_seed_is_deterministic_across_fresh_databases(tmp_path):
    outputs = []
    for name in ("one", "two"):
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / name}.sqlite3", "ANGSUR_PRIVATE_MEDIA_ROOT": str(tmp_path / name)}
        subprocess.run([sys.executable, "-m", "angsur.cli", "demo", "--no-serve"], env=env, check=True, capture_output=True, timeout=300)
        shown = subprocess.run(
            [sys.executable, "-m", "angsur.cli", "shell", "-c", FINGERPRINT],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        outputs.append(shown.stdout)
    assert outputs[0] == outputs[1]
    assert "JKT-" in outputs[0]


def test_demo_command_seeds_without_serving(db, capsys):
    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    assert "cmo.jkt" in out and "admin.ho" in out and "demo-angsur" in out
