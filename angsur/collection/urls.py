from django.urls import path

from angsur.collection import views

urlpatterns = [
    path("collection/", views.case_list, name="collection_cases"),
    path("collection/cases/<int:pk>/", views.case_detail, name="collection_case"),
    path("collection/cases/<int:pk>/contact/", views.contact_create, name="collection_contact"),
    path("collection/cases/<int:pk>/hand-over/", views.hand_over, name="collection_hand_over"),
    path("collection/cases/<int:pk>/assign/", views.assign, name="collection_assign"),
    path("collection/cases/<int:pk>/consent/", views.consent, name="collection_consent"),
    path("collection/views/", views.collection_views, name="collection_views"),
    path("collection/views.xlsx", views.collection_views_xlsx, name="collection_views_xlsx"),
]
