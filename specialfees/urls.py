from django.urls import path

from . import views

app_name = "specialfees"

urlpatterns = [
    path("", views.fee_list, name="list"),
    path("new/", views.fee_new, name="new"),
    path("<int:pk>/", views.fee_detail, name="detail"),
    path("<int:pk>/submit/", views.fee_submit, name="submit"),
    path("<int:pk>/cancel/", views.fee_cancel, name="cancel"),
    path("<int:pk>/promise/", views.fee_promise, name="promise"),
    path("<int:pk>/decide/", views.fee_decide, name="decide"),
    path("<int:pk>/pay/", views.fee_pay, name="pay"),
]
