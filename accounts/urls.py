from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account_list, name="list"),
    path("new/", views.account_new, name="new"),
    path("<int:pk>/", views.account_card, name="card"),
]
