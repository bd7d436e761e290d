from django.urls import path

from . import views

app_name = "quotes"

urlpatterns = [
    path("", views.quote_list, name="list"),
    path("new/", views.quote_new, name="new"),
    path("preview/", views.quote_preview, name="preview"),
    path("<int:pk>/", views.quote_detail, name="detail"),
    path("<int:pk>/edit/", views.quote_edit, name="edit"),
    path("<int:pk>/preview/", views.quote_preview, name="edit_preview"),
    path("<int:pk>/submit/", views.quote_submit, name="submit"),
    path("<int:pk>/outcome/", views.quote_outcome, name="outcome"),
    path("<int:pk>/pdf/", views.quote_pdf_download, name="pdf"),
    path("enquiries/", views.enquiry_list, name="enquiries"),
    path("enquiries/new/", views.enquiry_new, name="enquiry_new"),
    path("enquiries/<int:pk>/", views.enquiry_detail, name="enquiry"),
    path("enquiries/<int:pk>/submit/", views.enquiry_submit, name="enquiry_submit"),
    path("enquiries/<int:pk>/ask/", views.enquiry_ask, name="enquiry_ask"),
    path("questions/", views.question_queue, name="questions"),
    path("questions/<int:pk>/answer/", views.question_answer, name="answer"),
]
