from django.urls import path

from . import views

app_name = "workplans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_new, name="new"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/lines/", views.plan_line_add, name="line_add"),
    path("<int:pk>/lines/<int:line>/remove/", views.plan_line_remove, name="line_remove"),
    path("<int:pk>/refresh/", views.plan_refresh, name="refresh"),
    path("<int:pk>/submit/", views.plan_submit, name="submit"),
    path("<int:pk>/cancel/", views.plan_cancel, name="cancel"),
]
