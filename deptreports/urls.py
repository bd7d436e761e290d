"""The department's reports (R-17.4) and the director's dashboard, mounted at
/reports/department/."""

from django.urls import path

from . import views, views_dashboard

app_name = "deptreports"

urlpatterns = [
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("<slug:key>/", views.report, name="report"),
]
