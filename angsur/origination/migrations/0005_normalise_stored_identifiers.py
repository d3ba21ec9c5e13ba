"""Store identifiers typed before issue 17 in their normalised form (ASCII digits, capitals; see scoring.identity).

Only rows not already in that form are read; a value that does not normalise is left as it is (the
analyst sees it as typed). The reverse is a no-op: the normalised value is the same identifier.
"""

from django.db import migrations

from angsur.scoring.errors import ScoringError
from angsur.scoring.identity import normalize_nik, normalize_phone, normalize_vehicle_number, validate_kk

NIK_FORM = r"^[0-9]{16}$"
VEHICLE_FORM = r"^[A-Z0-9]*$"


def _normalised(normalise, value):
    try:
        return normalise(value) if value.strip() else value
    except ScoringError:
        return value


def _normalise(model, fields):
    for field, normalise, form in fields:
        for row in model.objects.exclude(**{f"{field}__regex": form}).exclude(**{field: ""}).only("pk", field).iterator():
            value = _normalised(normalise, getattr(row, field))
            if value != getattr(row, field):
                model.objects.filter(pk=row.pk).update(**{field: value})


def forwards(apps, schema_editor):
    _normalise(
        apps.get_model("origination", "Application"),
        [
            ("applicant_nik", normalize_nik, NIK_FORM),
            ("frame_number", normalize_vehicle_number, VEHICLE_FORM),
            ("engine_number", normalize_vehicle_number, VEHICLE_FORM),
        ],
    )
    _normalise(apps.get_model("origination", "Party"), [("nik", normalize_nik, NIK_FORM), ("kk_number", validate_kk, NIK_FORM)])
    _normalise(
        apps.get_model("origination", "NegativeListEntry"),
        [
            ("nik", normalize_nik, NIK_FORM),
            ("phone", normalize_phone, r"^\+62[0-9]+$"),
            ("frame_number", normalize_vehicle_number, VEHICLE_FORM),
        ],
    )


class Migration(migrations.Migration):
    dependencies = [("origination", "0004_identifierlock_orderrequestkey")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
