"""Roles (domain.md §1) and the capabilities each role holds.

Permissions are declared here once, as data: a role holds capabilities; views, API endpoints
and services ask ``user_can(user, Capability.X)``. Branch scoping is separate (see scoping.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CMO = "cmo", _("Credit Marketing Officer")
    MARKETING_SUPERVISOR = "marketing_supervisor", _("Marketing Supervisor")
    MARKETING_HEAD = "marketing_head", _("Marketing Head")
    CREDIT_ANALYST = "credit_analyst", _("Credit Analyst")
    CHIEF_CREDIT_ANALYST = "chief_credit_analyst", _("Chief Credit Analyst")
    BRANCH_MANAGER = "branch_manager", _("Branch Manager")
    ADMIN = "admin", _("Admin")
    FRONT_OFFICE = "front_office", _("Front Office")
    COLLECTOR = "collector", _("Collector")
    REMEDIAL = "remedial", _("Remedial")
    DEALER = "dealer", _("Dealer user")
    HO_ADMIN = "ho_admin", _("Head-office Administrator")


class Capability(models.TextChoices):
    AUDIT_VIEW = "audit.view", _("View the audit trail")
    DEALER_VIEW = "dealer.view", _("View dealers")
    DEALER_MANAGE = "dealer.manage", _("Manage dealers")
    QUOTE_CREATE = "quote.create", _("Create quotes")
    QUOTE_VIEW = "quote.view", _("View saved quotes")
    PRODUCT_VIEW = "product.view", _("View products and rate cards")
    CONFIG_MANAGE = "config.manage", _("Manage head-office configuration")
    API_TOKEN = "api.token", _("Use API tokens")
    ORDER_CREATE = "order.create", _("Create orders and applications")
    APPLICATION_VIEW = "application.view", _("View applications")
    SURVEY_ASSIGN = "survey.assign", _("Assign surveys")
    SURVEY_DO = "survey.do", _("Carry out surveys")
    CREDIT_DECIDE = "credit.decide", _("Analyse and decide applications")
    APPEAL = "application.appeal", _("Appeal rejections")
    CONTRACT_VIEW = "contract.view", _("View contracts")
    CONTRACT_BOOK = "contract.book", _("Book contracts")
    PAYMENT_POST = "payment.post", _("Post payments")
    PAYMENT_REVERSE_REQUEST = "payment.reverse_request", _("Request payment reversals")
    PAYMENT_REVERSE_APPROVE = "payment.reverse_approve", _("Approve payment reversals")
    LATE_FEE_WAIVE = "late_fee.waive", _("Waive late fees")
    SETTLEMENT_QUOTE = "settlement.quote", _("Quote early settlements")
    SETTLEMENT_EXECUTE = "settlement.execute", _("Execute early settlements")
    DISBURSEMENT_PREPARE = "disbursement.prepare", _("Prepare purchase orders and disbursements")
    DISBURSEMENT_RELEASE = "disbursement.release", _("Release disbursements to dealers")
    COLLATERAL_MANAGE = "collateral.manage", _("Register fiduciary deeds and keep BPKBs")
    PURCHASE_ORDER_VIEW = "purchase_order.view", _("View purchase orders and payments to dealers")
    # end-of-day and collection (issue 11)
    EOD_RUN = "eod.run", _("Run the end-of-day")
    COLLECTION_VIEW = "collection.view", _("View collection cases and portfolio delinquency")
    COLLECTION_WORK = "collection.work", _("Log collection contacts, visits and promises")
    COLLECTION_ASSIGN = "collection.assign", _("Hand over and assign collection cases")
    COLLECTION_CASH = "collection.cash", _("Take cash in the field against a receipt booklet")
    CASH_DEPOSIT_RECEIVE = "cash_deposit.receive", _("Receive and reconcile collectors' cash deposits")
    WARNING_LETTER = "warning_letter.issue", _("Issue warning letters (SP1-SP3)")
    REPOSSESSION = "repossession.manage", _("Create and manage repossession tasks")
    # performance (issue 12)
    PERFORMANCE_VIEW = "performance.view", _("View dealer and CMO performance and portfolio dashboards")
    TARGET_MANAGE = "target.manage", _("Set CMO targets and the incentive scheme")
    INCENTIVE_APPROVE = "incentive.approve", _("Approve incentive statements")


_ALL = frozenset(Capability)
_MARKETING = frozenset(
    {
        Capability.DEALER_VIEW,
        Capability.QUOTE_CREATE,
        Capability.QUOTE_VIEW,
        Capability.PRODUCT_VIEW,
        Capability.API_TOKEN,
        Capability.ORDER_CREATE,
        Capability.APPLICATION_VIEW,
        Capability.SURVEY_DO,
        Capability.CONTRACT_VIEW,  # a CMO sees their own contracts (months 1-12 are theirs to keep current)
        Capability.COLLECTION_VIEW,  # ... and collects their young installments (angsuran prematur)
        Capability.COLLECTION_WORK,
    }
)
_SUPERVISION = frozenset({Capability.SURVEY_ASSIGN, Capability.APPEAL, Capability.PERFORMANCE_VIEW})
_CREDIT = frozenset(
    {
        Capability.DEALER_VIEW,
        Capability.QUOTE_VIEW,
        Capability.PRODUCT_VIEW,
        Capability.API_TOKEN,
        Capability.APPLICATION_VIEW,
        Capability.CREDIT_DECIDE,
    }
)

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.CMO: _MARKETING,
    Role.MARKETING_SUPERVISOR: _MARKETING | _SUPERVISION,
    Role.MARKETING_HEAD: _MARKETING | _SUPERVISION | {Capability.DEALER_MANAGE, Capability.CREDIT_DECIDE},
    Role.CREDIT_ANALYST: _CREDIT | {Capability.QUOTE_CREATE},
    Role.CHIEF_CREDIT_ANALYST: _CREDIT | {Capability.QUOTE_CREATE},
    Role.BRANCH_MANAGER: _MARKETING
    | _CREDIT
    | {
        Capability.AUDIT_VIEW,
        Capability.DEALER_MANAGE,
        Capability.SURVEY_ASSIGN,
        # servicing: the checker of reversals and the authority for late-fee waivers
        Capability.PAYMENT_REVERSE_APPROVE,
        Capability.LATE_FEE_WAIVE,
        Capability.SETTLEMENT_QUOTE,
        Capability.DISBURSEMENT_RELEASE,  # the checker of what Admin prepares
        Capability.PURCHASE_ORDER_VIEW,
        # collection: the branch's delinquency, hand-over, warning letters, repossession, cash reconciliation
        Capability.COLLECTION_ASSIGN,
        Capability.CASH_DEPOSIT_RECEIVE,
        Capability.WARNING_LETTER,
        Capability.REPOSSESSION,
        # performance: targets, incentive approval, dashboards
        Capability.PERFORMANCE_VIEW,
        Capability.TARGET_MANAGE,
        Capability.INCENTIVE_APPROVE,
    },
    Role.ADMIN: frozenset(
        {
            Capability.DEALER_VIEW,
            Capability.QUOTE_VIEW,
            Capability.PRODUCT_VIEW,
            Capability.API_TOKEN,
            Capability.APPLICATION_VIEW,
            Capability.CONTRACT_VIEW,
            Capability.CONTRACT_BOOK,
            Capability.DISBURSEMENT_PREPARE,
            Capability.PURCHASE_ORDER_VIEW,
            Capability.COLLATERAL_MANAGE,  # fiduciary registration and BPKB custody
            Capability.PAYMENT_POST,  # transfers and statement imports
            Capability.PAYMENT_REVERSE_REQUEST,
            Capability.SETTLEMENT_QUOTE,
            Capability.EOD_RUN,  # the night run (also the scheduled task)
            Capability.COLLECTION_VIEW,
            Capability.WARNING_LETTER,  # prints and sends the SP letters
        }
    ),
    Role.FRONT_OFFICE: frozenset(
        {
            Capability.QUOTE_CREATE,
            Capability.QUOTE_VIEW,
            Capability.PRODUCT_VIEW,
            Capability.API_TOKEN,
            Capability.CONTRACT_VIEW,
            Capability.PAYMENT_POST,  # counter payments with a receipt
            Capability.PAYMENT_REVERSE_REQUEST,
            Capability.SETTLEMENT_QUOTE,
            Capability.SETTLEMENT_EXECUTE,
            Capability.CASH_DEPOSIT_RECEIVE,  # the cashier who takes the collectors' deposits
        }
    ),
    Role.COLLECTOR: frozenset(
        {
            Capability.API_TOKEN,
            Capability.CONTRACT_VIEW,
            Capability.COLLECTION_VIEW,
            Capability.COLLECTION_WORK,
            Capability.COLLECTION_CASH,
        }
    ),
    Role.REMEDIAL: frozenset(
        {
            Capability.API_TOKEN,
            Capability.CONTRACT_VIEW,
            Capability.COLLECTION_VIEW,
            Capability.COLLECTION_WORK,
            Capability.COLLECTION_CASH,
            Capability.WARNING_LETTER,
            Capability.REPOSSESSION,
        }
    ),
    Role.DEALER: frozenset(
        {
            Capability.PURCHASE_ORDER_VIEW,  # its own POs and what it was paid (the portal)
            Capability.ORDER_CREATE,
            Capability.APPLICATION_VIEW,
            Capability.QUOTE_CREATE,
            Capability.QUOTE_VIEW,
            Capability.PRODUCT_VIEW,
            Capability.API_TOKEN,
        }
    ),
    Role.HO_ADMIN: _ALL,
}

# Credit authority level of each deciding role (the chain CA → MH/CCA → BM).
DECISION_LEVEL: dict[str, int] = {
    Role.CREDIT_ANALYST: 1,
    Role.CHIEF_CREDIT_ANALYST: 2,
    Role.MARKETING_HEAD: 2,
    Role.BRANCH_MANAGER: 3,
}
MAX_DECISION_LEVEL = 3

# Roles that work for the company at head office and see every branch.
HEAD_OFFICE_ROLES = frozenset({Role.HO_ADMIN})
