from django.urls import path

from visits.views_records import overdue_page

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account_list, name="list"),
    path("new/", views.account_new, name="new"),
    path("<int:pk>/", views.account_card, name="card"),
    path("<int:pk>/edit/", views.account_edit, name="edit"),
    path("<int:pk>/submit/", views.account_submit, name="submit"),
    path("<int:pk>/grade/", views.account_grade, name="grade"),
    path("<int:pk>/reassign/", views.account_reassign, name="reassign"),
    path("<int:pk>/credit-reviewed/", views.account_credit_reviewed, name="credit_reviewed"),
    path("assignment/", views.assignment, name="assignment"),
    path("overdue/", overdue_page, name="overdue"),
]
