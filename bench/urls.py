"""The product's URLs plus the bare control views; mounted only by bench.settings."""

from django.urls import include, path

from .controls import control_insert, control_select, control_ten

urlpatterns = [
    path("bench/control/insert/", control_insert, name="bench-control-insert"),
    path("bench/control/select/", control_select, name="bench-control-select"),
    path("bench/control/ten/", control_ten, name="bench-control-ten"),
    path("", include("salesoffice.urls")),
]
