from django.urls import path

from . import views

app_name = "workspace"

urlpatterns = [
    path("", views.home, name="home"),
    path("offices/", views.office_list, name="offices"),
    path("offices/<int:pk>/", views.office_detail, name="office"),
    path("staff/", views.staff_list, name="staff"),
    path("w/<slug:slug>/", views.work_page, name="page"),
]
