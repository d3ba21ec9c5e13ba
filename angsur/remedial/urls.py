from django.urls import path

from angsur.remedial import views

urlpatterns = [
    path("field-cash/", views.field_cash, name="field_cash"),
    path("field-cash/spoil/", views.field_receipt_spoil, name="field_receipt_spoil"),
    path("field-cash/receipts/<int:pk>/receipt.pdf", views.field_receipt_pdf_view, name="field_receipt_pdf"),
    path("field-cash/booklets/", views.receipt_booklets, name="receipt_booklets"),
    path("field-cash/deposits/", views.cash_deposits, name="cash_deposits"),
    path("field-cash/deposits/receive/", views.cash_deposit_receive, name="cash_deposit_receive"),
    path("field-cash/reconciliation/", views.field_cash_reconciliation, name="field_cash_reconciliation"),
    path("field-cash/reconciliation.xlsx", views.field_cash_reconciliation_xlsx, name="field_cash_reconciliation_xlsx"),
    path("field-cash/exceptions/", views.field_cash_exceptions, name="field_cash_exceptions"),
    path("remedial/", views.remedial_home, name="remedial_home"),
    path("remedial/contracts/<int:pk>/", views.remedial_contract, name="remedial_contract"),
    path("remedial/contracts/<int:pk>/letters/", views.letter_create, name="remedial_letter_create"),
    path("remedial/contracts/<int:pk>/evidence/", views.evidence_record, name="remedial_evidence"),
    path("remedial/contracts/<int:pk>/repossession/", views.repossession_open, name="remedial_repossession_open"),
    path("remedial/letters/<int:pk>/send/", views.letter_send, name="remedial_letter_send"),
    path("remedial/letters/<int:pk>/cancel/", views.letter_cancel, name="remedial_letter_cancel"),
    path("remedial/letters/<int:pk>/letter.pdf", views.letter_pdf, name="remedial_letter_pdf"),
    path("remedial/repossessions/<int:pk>/secure/", views.repossession_secure, name="remedial_repossession_secure"),
    path("remedial/repossessions/<int:pk>/finish/", views.repossession_finish, name="remedial_repossession_finish"),
    path("remedial/repossessions/<int:pk>/report.pdf", views.repossession_pdf, name="remedial_repossession_pdf"),
]
