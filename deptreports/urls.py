"""The department's reports (R-17.4), mounted at /reports/department/."""

from django.urls import path

from . import views

app_name = "deptreports"

urlpatterns = [
    # BEGIN dashboard (the director's dashboard, R-17)
    # END dashboard
    path("<slug:key>/", views.report, name="report"),
]
