from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("", views.home, name="home"),
    path("year/", views.year_page, name="year"),
    path("branch/", views.branch_page, name="branch"),
    path("excel/", views.download, name="download"),
    path("excel/upload/", views.upload, name="upload"),
    path("actuals/", views.actuals_page, name="actuals"),
    path("explain/", views.explain, name="explain"),
]
