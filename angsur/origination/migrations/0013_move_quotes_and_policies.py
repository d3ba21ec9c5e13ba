"""Saved quotes and the credit-policy tables move here from products (issue 9), tables and rows untouched.

Their content types follow (so the admin's history and the permissions stay attached to them). The audit
trail is append-only and keeps "products.<model>" on the rows written before the move; the audit screens
read both names (audit.selectors.FORMER_OBJECT_TYPES).
"""

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


MOVED = ("savedquote", "creditpolicy", "authorityrule", "scorecardconfig", "documentrequirement", "serviceleveltarget")


def _relabel(apps, schema_editor, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    rows = content_type.objects.using(schema_editor.connection.alias)
    for model in MOVED:
        if not rows.filter(app_label=new, model=model).exists():
            rows.filter(app_label=old, model=model).update(app_label=new)


def content_types_to_origination(apps, schema_editor) -> None:
    _relabel(apps, schema_editor, "products", "origination")


def content_types_to_products(apps, schema_editor) -> None:
    _relabel(apps, schema_editor, "origination", "products")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('dealers', '0004_dealer_service_tier'),
        ('org', '0004_user_language'),
        ('origination', '0012_declared_other_income'),
        ('products', '0009_move_quotes_and_policies'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # State only: the tables exist (created by products 0001-0008) and keep their names (db_table).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CreditPolicy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('effective_from', models.DateField(unique=True, verbose_name='effective from')),
                        ('max_dsr_pct', models.DecimalField(decimal_places=4, default=Decimal('33'), max_digits=9, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='DSR ceiling %')),
                        ('min_age_at_application', models.PositiveSmallIntegerField(default=21, verbose_name='minimum age at application')),
                        ('max_age_at_maturity_employee', models.PositiveSmallIntegerField(default=55, verbose_name='maximum age at maturity (employee)')),
                        ('max_age_at_maturity_self_employed', models.PositiveSmallIntegerField(default=60, verbose_name='maximum age at maturity (self-employed)')),
                        ('min_residence_months', models.PositiveSmallIntegerField(default=12, verbose_name='minimum length of stay (months)')),
                        ('min_employment_months', models.PositiveSmallIntegerField(default=12, verbose_name='minimum length of employment (months)')),
                        ('bureau_reject_from_kol', models.PositiveSmallIntegerField(default=3, verbose_name='reject from bureau Kol')),
                        ('bureau_enquiry_max_age_days', models.PositiveSmallIntegerField(default=30, verbose_name='bureau enquiry valid for (days)')),
                        ('no_bureau_record_passes', models.BooleanField(default=True, help_text='A SLIK enquiry that finds no record (a first credit) passes the bureau rule.', verbose_name='no credit history passes')),
                    ],
                    options={
                        'verbose_name': 'credit policy',
                        'verbose_name_plural': 'credit policies',
                        'db_table': 'products_creditpolicy',
                        'ordering': ['-effective_from'],
                    },
                ),
                migrations.CreateModel(
                    name='AuthorityRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(max_length=32, verbose_name='role')),
                        ('level', models.PositiveSmallIntegerField(help_text='1 analyst, 2 chief analyst / marketing head, 3 branch manager', verbose_name='level')),
                        ('max_financed_sen', models.BigIntegerField(verbose_name='maximum financed amount (sen)')),
                        ('worst_grade', models.CharField(max_length=2, verbose_name='worst risk grade allowed')),
                        ('product', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='products.product', verbose_name='product')),
                    ],
                    options={
                        'verbose_name': 'authority rule',
                        'verbose_name_plural': 'authority matrix',
                        'db_table': 'products_authorityrule',
                        'ordering': ['level', 'role'],
                    },
                ),
                migrations.CreateModel(
                    name='ScorecardConfig',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(max_length=40, verbose_name='code')),
                        ('definition', models.JSONField(verbose_name='definition')),
                        ('effective_from', models.DateField(verbose_name='effective from')),
                    ],
                    options={
                        'verbose_name': 'scorecard',
                        'verbose_name_plural': 'scorecards',
                        'db_table': 'products_scorecardconfig',
                        'ordering': ['-effective_from'],
                        'constraints': [models.UniqueConstraint(fields=('code', 'effective_from'), name='scorecard_unique_version')],
                    },
                ),
                migrations.CreateModel(
                    name='ServiceLevelTarget',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('submit_to_survey_hours', models.PositiveIntegerField(default=24, verbose_name='order → survey (hours)')),
                        ('survey_to_decision_hours', models.PositiveIntegerField(default=24, verbose_name='survey → decision (hours)')),
                        ('submit_to_decision_hours', models.PositiveIntegerField(default=48, verbose_name='order → decision (hours)')),
                        ('branch', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.branch')),
                    ],
                    options={
                        'verbose_name': 'service-level target',
                        'verbose_name_plural': 'service-level targets',
                        'db_table': 'products_serviceleveltarget',
                    },
                ),
                migrations.CreateModel(
                    name='DocumentRequirement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=24, verbose_name='document')),
                        ('required', models.BooleanField(default=True, verbose_name='required')),
                        ('product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='document_requirements', to='products.product')),
                    ],
                    options={
                        'verbose_name': 'document requirement',
                        'verbose_name_plural': 'document checklist',
                        'db_table': 'products_documentrequirement',
                        'constraints': [models.UniqueConstraint(fields=('product', 'kind'), name='document_requirement_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='SavedQuote',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('as_of', models.DateField(verbose_name='priced on')),
                        ('prospect_name', models.CharField(max_length=120, verbose_name='prospect name')),
                        ('prospect_phone', models.CharField(blank=True, max_length=20, verbose_name='prospect phone')),
                        ('vehicle_brand', models.CharField(blank=True, max_length=60, verbose_name='brand')),
                        ('vehicle_model', models.CharField(blank=True, max_length=80, verbose_name='model')),
                        ('vehicle_year', models.PositiveIntegerField(verbose_name='year')),
                        ('vehicle_condition', models.CharField(choices=[('new', 'New'), ('used', 'Used')], max_length=10, verbose_name='condition')),
                        ('otr_sen', models.BigIntegerField()),
                        ('down_payment_sen', models.BigIntegerField()),
                        ('tenor_months', models.PositiveIntegerField()),
                        ('timing', models.CharField(choices=[('addb', 'ADDB (in arrears)'), ('addm', 'ADDM (in advance)')], max_length=4)),
                        ('financed_principal_sen', models.BigIntegerField()),
                        ('installment_sen', models.BigIntegerField()),
                        ('tdp_sen', models.BigIntegerField()),
                        ('total_interest_sen', models.BigIntegerField()),
                        ('flat_rate_annual', models.DecimalField(decimal_places=4, max_digits=9)),
                        ('effective_rate_annual', models.DecimalField(decimal_places=4, max_digits=9)),
                        ('result', models.JSONField(help_text="The finance core's full quote (amounts as decimal strings).")),
                        ('follow_up_on', models.DateField(blank=True, null=True, verbose_name='follow up on')),
                        ('follow_up_note', models.CharField(blank=True, max_length=200, verbose_name='follow-up note')),
                        ('branch', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.branch')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('dealer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='quotes', to='dealers.dealer')),
                        ('product', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='products.product')),
                        ('rate_card', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='products.ratecard')),
                    ],
                    options={
                        'verbose_name': 'saved quote',
                        'verbose_name_plural': 'saved quotes',
                        'db_table': 'products_savedquote',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['branch', 'created_at'], name='products_sa_branch__2961c6_idx'), models.Index(fields=['created_by', 'created_at'], name='products_sa_created_6d63a9_idx'), models.Index(fields=['created_at'], name='savedquote_created_idx'), models.Index(fields=['dealer', 'created_at'], name='savedquote_dealer_created_idx'), models.Index(fields=['created_by', 'follow_up_on'], name='savedquote_owner_follow_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_origination, content_types_to_products),
    ]
