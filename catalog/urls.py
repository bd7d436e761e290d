from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/", views.product_new, name="new"),
    path("<int:pk>/", views.product_card, name="card"),
    path("<int:pk>/deactivate/", views.product_deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.product_reactivate, name="reactivate"),
]
