from django.urls import path

from angsur.servicing import views

urlpatterns = [
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/statement.pdf", views.contract_statement, name="contract_statement"),
    path("contracts/<int:pk>/pay/", views.step_pay, name="contract_pay"),
    path("contracts/<int:pk>/waive/", views.step_waive, name="contract_waive"),
    path("contracts/<int:pk>/settlement-quote/", views.step_settlement_quote, name="contract_settlement_quote"),
    path("contracts/<int:pk>/disbursement/", views.step_disburse, name="contract_disburse"),
    path("purchase-orders/", views.purchase_orders, name="purchase_orders"),
    path("disbursements/<int:pk>/release/", views.step_release, name="disbursement_release"),
    path("disbursements/<int:pk>/paid/", views.step_paid, name="disbursement_paid"),
    path("disbursements/<int:pk>/po.pdf", views.purchase_order, name="purchase_order_pdf"),
    path("contracts/<int:pk>/fiduciary/", views.step_fiduciary, name="contract_fiduciary"),
    path("contracts/<int:pk>/bpkb/", views.step_bpkb, name="contract_bpkb"),
    path("collateral/", views.collateral_overview, name="collateral_overview"),
    path("contracts/book/<int:application_pk>/", views.contract_book_view, name="contract_book"),
    path("payments/imports/", views.payment_imports, name="payment_imports"),
    path("payments/imports/<int:pk>/", views.payment_import_detail, name="payment_import_detail"),
    path("payments/unmatched/", views.unmatched_queue, name="unmatched_queue"),
    path("payments/unmatched/<int:pk>/match/", views.unmatched_match, name="unmatched_match"),
    path("payments/<int:pk>/reverse/", views.step_reverse, name="payment_reverse"),
    path("payments/<int:pk>/receipt.pdf", views.payment_receipt, name="payment_receipt"),
    path("reversals/<int:pk>/decide/", views.step_decide, name="reversal_decide"),
    path("settlement-quotes/<int:pk>/execute/", views.step_execute, name="settlement_execute"),
    path("settlement-quotes/<int:pk>/pdf/", views.settlement_pdf, name="settlement_pdf"),
]
