"""API tokens expire and are bound to the owner's password; failed logins are counted per address."""

import datetime as dt
import hashlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def _expire_and_bind_existing_tokens(apps, schema_editor):
    # Tokens issued before expiry existed get the full lifetime from the upgrade, so no integration
    # breaks on the day of the deploy; each is bound to its owner's current password.
    ApiToken = apps.get_model("org", "ApiToken")
    expires_at = timezone.now() + dt.timedelta(days=settings.ANGSUR_API_TOKEN_DAYS)
    for token in ApiToken.objects.select_related("user").iterator():
        token.expires_at = expires_at
        token.password_fingerprint = hashlib.sha256(token.user.password.encode()).hexdigest()[:16]
        token.save(update_fields=["expires_at", "password_fingerprint"])


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires at"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="password_fingerprint",
            field=models.CharField(default="", max_length=16),
            preserve_default=False,
        ),
        migrations.RunPython(_expire_and_bind_existing_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires at"),
        ),
        migrations.CreateModel(
            name="LoginFailure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("occurred_at", models.DateTimeField(db_index=True)),
                ("address", models.CharField(max_length=64)),
                ("username", models.CharField(max_length=150)),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "failed login",
                "verbose_name_plural": "failed logins",
                "indexes": [models.Index(fields=["address", "occurred_at"], name="org_loginfailure_address")],
            },
        ),
    ]
