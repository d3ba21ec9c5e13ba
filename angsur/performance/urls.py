from django.urls import path

from angsur.performance import views

urlpatterns = [
    path("performance/", views.dashboard, name="performance_dashboard"),
    path("performance/export/<slug:chart>.xlsx", views.chart_export, name="performance_chart_export"),
    path("performance/dealers/", views.dealer_ranking, name="performance_dealers"),
    path("performance/dealers/<int:pk>/", views.dealer_scorecard, name="performance_dealer"),
    # The scorecard's Excel file is the dealer report's (its first sheet is the scorecard).
    path("performance/dealers/<int:pk>/scorecard.xlsx", views.dealer_report, {"fmt": "xlsx"}, name="performance_dealer_export"),
    path("performance/dealers/<int:pk>/report.pdf", views.dealer_report, {"fmt": "pdf"}, name="performance_dealer_report_pdf"),
    path("performance/dealers/<int:pk>/report.xlsx", views.dealer_report, {"fmt": "xlsx"}, name="performance_dealer_report_xlsx"),
    path("performance/my-dealer/", views.my_dealer_scorecard, name="performance_my_dealer"),
    path("performance/my-dealer/report.pdf", views.my_dealer_report, {"fmt": "pdf"}, name="performance_my_dealer_report_pdf"),
    path("performance/my-dealer/report.xlsx", views.my_dealer_report, {"fmt": "xlsx"}, name="performance_my_dealer_report_xlsx"),
    path("performance/branches/<int:pk>/report.pdf", views.branch_report, {"fmt": "pdf"}, name="performance_branch_report_pdf"),
    path("performance/branches/<int:pk>/report.xlsx", views.branch_report, {"fmt": "xlsx"}, name="performance_branch_report_xlsx"),
    path("performance/cmos/", views.cmo_leaderboard, name="performance_cmos"),
    path("performance/cmos/<int:pk>/", views.cmo_page, name="performance_cmo"),
    path("performance/targets/", views.targets, name="performance_targets"),
    path("performance/incentives/", views.incentives, name="performance_incentives"),
    path("performance/incentives/run/", views.incentive_run, name="performance_incentive_run"),
    path("performance/incentives/approve/", views.incentive_approve_all, name="performance_incentive_approve_all"),
    path("performance/incentives/export.xlsx", views.incentive_export, name="performance_incentive_export"),
    path("performance/incentives/statements/<int:pk>/", views.statement_detail, name="performance_statement"),
    path("performance/incentives/statements/<int:pk>/statement.pdf", views.statement_pdf, name="performance_statement_pdf"),
    path("performance/incentives/statements/<int:pk>/decide/", views.statement_decide, name="performance_statement_decide"),
    path("performance/repeat-orders/", views.repeat_orders, name="performance_repeat_orders"),
    path("performance/repeat-orders/<int:pk>/quote/", views.repeat_quote, name="performance_repeat_quote"),
]
