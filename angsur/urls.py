from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog

from angsur.api import api
from angsur.audit import views as audit_views
from angsur.dealers import views as dealer_views
from angsur.products import views as product_views
from angsur.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("login/", web_views.login_view, name="login"),
    path("logout/", web_views.logout_view, name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("dealers/", dealer_views.dealer_list_view, name="dealer_list"),
    path("dealers/<int:pk>/", dealer_views.dealer_detail_view, name="dealer_detail"),
    path("products/", product_views.product_list, name="product_list"),
    path("quotes/new/", product_views.quote_new, name="quote_new"),
    path("quotes/<int:pk>/", product_views.quote_detail, name="quote_detail"),
    path("quotes/<int:pk>/pdf/", product_views.quote_pdf, name="quote_pdf"),
    path("api/", api.urls),
    re_path(r"^api/.*$", web_views.api_not_found),
    path("config/", admin.site.urls),
]

handler400 = "angsur.web.views.error_400"
handler403 = "angsur.web.views.error_403"
handler404 = "angsur.web.views.error_404"
handler500 = "angsur.web.views.error_500"
