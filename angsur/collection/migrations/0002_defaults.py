"""Default contact result codes and hand-over rules (configuration: change them in /config/)."""

from django.db import migrations

RESULT_CODES = [
    ("promise", "Janji bayar", True, 10),
    ("paid_claimed", "Mengaku sudah bayar", False, 20),
    ("no_answer", "Tidak diangkat / tidak dibalas", False, 30),
    ("not_home", "Tidak ada di tempat", False, 40),
    ("refused", "Menolak bayar", False, 50),
    ("wrong_number", "Nomor salah / tidak aktif", False, 60),
    ("reminded", "Sudah diingatkan", False, 70),
    ("other", "Lainnya", False, 90),
]

# (from, to, min DPD, min MOB, max MOB, min broken promises, order)
RULES = [
    ("cmo", "desk", 1, 13, None, 0, 10),  # past the premature months: desk collection from the first day late
    ("cmo", "desk", 1, None, None, 2, 20),  # two broken promises to the CMO
    ("cmo", "field", 31, None, None, 0, 30),  # a month late: a field collector of the debtor's area
    ("desk", "field", 31, None, None, 0, 40),
    ("field", "remedial", 91, None, None, 0, 50),  # three months late: remedial (warning letters, repossession)
]


def forwards(apps, schema_editor):
    ResultCode = apps.get_model("collection", "ResultCode")
    HandoverRule = apps.get_model("collection", "HandoverRule")
    for code, label, needs_promise, order in RESULT_CODES:
        ResultCode.objects.get_or_create(code=code, defaults={"label": label, "needs_promise": needs_promise, "order": order})
    if not HandoverRule.objects.exists():
        for from_stage, to_stage, min_dpd, min_mob, max_mob, broken, order in RULES:
            HandoverRule.objects.create(
                from_stage=from_stage,
                to_stage=to_stage,
                min_dpd=min_dpd,
                min_mob=min_mob,
                max_mob=max_mob,
                min_broken_promises=broken,
                order=order,
            )


class Migration(migrations.Migration):
    dependencies = [("collection", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
