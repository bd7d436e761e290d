from django.urls import path

from . import import_views, views

app_name = "stock"

urlpatterns = [
    path("", views.stock_page, name="page"),
    path("receive/", views.stock_receive, name="receive"),
    path("adjust/", views.stock_adjust, name="adjust"),
    path("warehouses/new/", views.warehouse_new, name="warehouse_new"),
    path("import/", import_views.stock_import, name="import"),
]
