from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from angsur.api import api
from angsur.audit import views as audit_views
from angsur.dealers import views as dealer_views
from angsur.origination import quote_views
from angsur.origination import views as origination_views
from angsur.products import views as product_views
from angsur.routing import indexed_include
from angsur.web import offline as offline_views
from angsur.web import views as web_views

urlpatterns = [
    # Django tries the patterns in order: the API, which field apps and the dealer portal call all
    # day, first (behind ~35 screen routes it paid ~12 µs per call just to be found); within it a path is
    # looked up by its first segment (angsur.routing), not tried against all 112 routes in turn.
    indexed_include("api/", api.urls),
    re_path(r"^api/.*$", web_views.api_not_found),
    path("", web_views.home, name="home"),
    path("login/", web_views.login_view, name="login"),
    path("logout/", web_views.logout_view, name="logout"),
    path("sw.js", offline_views.service_worker, name="service_worker"),
    path("offline/", offline_views.offline_page, name="offline"),
    path("device/key/", offline_views.device_key, name="device_key"),
    path("device/unlock/", offline_views.device_unlock, name="device_unlock"),
    path("i18n/setlang/", web_views.language_set, name="set_language"),  # kept per user, not only per browser
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("dealers/", dealer_views.dealer_list_view, name="dealer_list"),
    path("dealers/<int:pk>/", dealer_views.dealer_detail_view, name="dealer_detail"),
    path("products/", product_views.product_list, name="product_list"),
    path("quotes/", quote_views.quote_list, name="quote_list"),
    path("quotes/new/", quote_views.quote_new, name="quote_new"),
    path("quotes/<int:pk>/follow-up/", quote_views.quote_follow_up, name="quote_follow_up"),
    path("quotes/<int:pk>/", quote_views.quote_detail, name="quote_detail"),
    path("quotes/<int:pk>/pdf/", quote_views.quote_pdf, name="quote_pdf"),
    path("applications/", origination_views.application_list, name="application_list"),
    path("applications/new/", origination_views.application_new, name="application_new"),
    path("applications/<int:pk>/", origination_views.application_detail, name="application_detail"),
    path("applications/<int:pk>/submit/", origination_views.step_submit, name="application_submit"),
    path("applications/<int:pk>/cancel/", origination_views.step_cancel, name="application_cancel"),
    path("applications/<int:pk>/assign-survey/", origination_views.step_assign_survey, name="application_assign_survey"),
    path("applications/<int:pk>/start-analysis/", origination_views.step_start_analysis, name="application_start_analysis"),
    path("applications/<int:pk>/bureau/", origination_views.step_bureau, name="application_bureau"),
    path("applications/<int:pk>/decide/", origination_views.step_decide, name="application_decide"),
    path("applications/<int:pk>/appeal/", origination_views.step_appeal, name="application_appeal"),
    path(
        "applications/<int:pk>/conditions/<int:condition_id>/",
        origination_views.step_condition_resolve,
        name="application_condition_resolve",
    ),
    path("applications/<int:pk>/accept-conditions/", origination_views.step_accept_conditions, name="application_accept_conditions"),
    path("applications/<int:pk>/documents/", origination_views.step_upload_document, name="application_upload_document"),
    path("applications/<int:pk>/survey-report.pdf", origination_views.survey_report_pdf, name="application_survey_pdf"),
    path("applications/<int:pk>/credit-memo.pdf", origination_views.credit_memo_pdf, name="application_memo_pdf"),
    path("surveys/<int:pk>/", origination_views.survey_form, name="survey_form"),
    path("surveys/<int:pk>/draft/", origination_views.survey_draft, name="survey_draft"),
    path("surveys/<int:pk>/photos/", origination_views.survey_photo, name="survey_photo"),
    path("files/documents/<int:pk>/", origination_views.document_file, name="document_file"),
    path("files/survey-photos/<int:pk>/", origination_views.photo_file, name="photo_file"),
    path("", include("angsur.servicing.urls")),
    path("", include("angsur.servicing.eod_urls")),
    path("", include("angsur.collection.urls")),
    path("", include("angsur.remedial.urls")),
    path("", include("angsur.performance.urls")),
    # The admin logs in through the app's login (counted, throttled, audited), never its own form.
    path("config/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("config/", admin.site.urls),
]

handler400 = "angsur.web.views.error_400"
handler403 = "angsur.web.views.error_403"
handler404 = "angsur.web.views.error_404"
handler500 = "angsur.web.views.error_500"
