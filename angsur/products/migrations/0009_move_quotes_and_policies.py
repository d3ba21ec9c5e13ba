"""Saved quotes and the credit-policy tables move to origination (issue 9): a quote is the start of an order,
and origination evaluates the policies. State only; the tables keep their names (db_table)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('products', '0008_saved_quote_follow_up'),
    ]

    # State only: the six models moved to origination with their tables (origination 0013); nothing in the
    # database changes here.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='authorityrule',
                    name='product',
                ),
                migrations.DeleteModel(
                    name='CreditPolicy',
                ),
                migrations.RemoveConstraint(
                    model_name='documentrequirement',
                    name='document_requirement_unique',
                ),
                migrations.RemoveIndex(
                    model_name='savedquote',
                    name='products_sa_branch__2961c6_idx',
                ),
                migrations.RemoveIndex(
                    model_name='savedquote',
                    name='products_sa_created_6d63a9_idx',
                ),
                migrations.RemoveIndex(
                    model_name='savedquote',
                    name='savedquote_created_idx',
                ),
                migrations.RemoveIndex(
                    model_name='savedquote',
                    name='savedquote_dealer_created_idx',
                ),
                migrations.RemoveIndex(
                    model_name='savedquote',
                    name='savedquote_owner_follow_idx',
                ),
                migrations.RemoveConstraint(
                    model_name='scorecardconfig',
                    name='scorecard_unique_version',
                ),
                migrations.DeleteModel(
                    name='ScorecardConfig',
                ),
                migrations.RemoveField(
                    model_name='serviceleveltarget',
                    name='branch',
                ),
                migrations.DeleteModel(
                    name='AuthorityRule',
                ),
                migrations.RemoveField(
                    model_name='documentrequirement',
                    name='product',
                ),
                migrations.RemoveField(
                    model_name='savedquote',
                    name='branch',
                ),
                migrations.RemoveField(
                    model_name='savedquote',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='savedquote',
                    name='dealer',
                ),
                migrations.RemoveField(
                    model_name='savedquote',
                    name='product',
                ),
                migrations.RemoveField(
                    model_name='savedquote',
                    name='rate_card',
                ),
                migrations.DeleteModel(
                    name='ServiceLevelTarget',
                ),
                migrations.DeleteModel(
                    name='DocumentRequirement',
                ),
                migrations.DeleteModel(
                    name='SavedQuote',
                ),
            ],
            database_operations=[],
        ),
    ]
