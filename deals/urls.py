"""The availability board, its unit panel and actions, and the printable agreement."""

from django.urls import path

from . import import_views, views
from .pdf import agreement_download

app_name = "deals"

urlpatterns = [
    path("board/", views.board, name="board"),
    path("customers/", views.customer_options, name="customer_options"),
    path("units/<int:pk>/", views.unit_panel, name="unit_panel"),
    path("units/<int:pk>/hold/", views.unit_hold, name="unit_hold"),
    path("units/<int:pk>/subscribe/", views.unit_subscribe, name="unit_subscribe"),
    path("units/<int:pk>/convert/", views.hold_convert, name="hold_convert"),
    path("units/<int:pk>/release/", views.hold_release, name="hold_release"),
    path("units/<int:pk>/withdraw/", views.subscription_withdraw, name="subscription_withdraw"),
    path("subscriptions/<int:pk>/agreement/", views.agreement, name="agreement"),
    path("import/", import_views.units_import, name="units_import"),
    path("export/", import_views.board_export, name="board_export"),
    path("subscriptions/<int:pk>/agreement.pdf", agreement_download, name="agreement_pdf"),
]
