from django.urls import path

from . import filing, pipeline, views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("new/", views.contract_new, name="new"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/edit/", views.contract_edit, name="edit"),
    path("<int:pk>/submit/", views.contract_submit, name="submit"),
    path("<int:pk>/cancel/", views.contract_cancel, name="cancel"),
    path("<int:pk>/fulfil/", views.contract_fulfil, name="fulfil"),
    path("<int:pk>/close/", views.contract_close, name="close"),
    path("<int:pk>/scan/", views.contract_scan, name="scan"),
    path("<int:pk>/file/", filing.contract_file, name="file"),
    path("filing/", filing.filing_page, name="filing"),
    path("register/", filing.register_page, name="register"),
    path("register/pdf/", filing.register_pdf, name="register_pdf"),
    path("register/close/", filing.register_close, name="register_close"),
    path("pipeline/", pipeline.pipeline_page, name="pipeline"),
    path("pipeline/branch/", pipeline.branch_pipeline_page, name="branch_pipeline"),
]
