"""The front desk's fragments and actions; the role pages themselves live at /w/<slug>/."""

from django.urls import path

from . import views

app_name = "reception"

urlpatterns = [
    path("lookup/", views.lookup, name="lookup"),
    path("referrer-options/", views.referrer_options, name="referrer_options"),
    path("visits/", views.visit_register, name="visit_register"),
    path("visits/today/", views.desk_visits, name="desk_visits"),
    path("visits/mine/", views.my_visits, name="my_visits"),
    path("visits/<int:pk>/assign/", views.visit_assign, name="visit_assign"),
    path("visits/<int:pk>/research/", views.visit_research, name="visit_research"),
    path("visits/<int:pk>/on-behalf/", views.visit_on_behalf, name="visit_on_behalf"),
    path("calls/", views.call_register, name="call_register"),
    path("referrals/", views.referral_register, name="referral_register"),
    path("counters/", views.counters, name="counters"),
    path("board/", views.board, name="board"),
    path("duty-status/", views.duty_status, name="duty_status"),
    path("unassigned/", views.unassigned, name="unassigned"),
    path("roster/", views.roster, name="roster"),
]
