from django.urls import path

from . import import_views, views

app_name = "stock"

urlpatterns = [
    path("", views.stock_page, name="page"),
    path("adjust/", views.stock_adjust, name="adjust"),
    path("import/", import_views.stock_import, name="import"),
]
