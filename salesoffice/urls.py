from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from common.views import health

api_v1 = [
    path("", include("staff.api.urls")),
    path("", include("leads.api.urls")),
    path("", include("reception.api.urls")),
    path("", include("attribution.api.urls")),
    path("", include("deals.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("approvals.api.urls")),
    path("", include("accounts.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("stock.api.urls")),
    path("", include("visits.api.urls")),
    path("", include("quotes.api.urls")),
    path("", include("contracts.api.urls")),
    path("", include("shipping.api.urls")),
    path("", include("receivables.api.urls")),
    path("", include("escalations.api.urls")),
    path("", include("aftersales.api.urls")),
    path("", include("expenses.api.urls")),
    path("", include("specialfees.api.urls")),
    path("", include("targets.api.urls")),
    path("", include("workplans.api.urls")),
    path("", include("dealers.api.urls")),
    path("", include("deptreports.api.urls")),
]

urlpatterns = [
    path("", include("workspace.urls")),
    path("reception/", include("reception.urls")),
    path("attribution/", include("attribution.urls")),
    path("notifications/", include("notifications.urls")),
    path("deals/", include("deals.urls")),
    path("finance/", include("finance.urls")),
    path("reports/department/", include("deptreports.urls")),
    path("reports/", include("reports.urls")),
    path("rules/", include("workspace.regulations.urls")),
    path("approvals/", include("approvals.urls")),
    path("accounts/", include("accounts.urls")),
    path("products/", include("catalog.urls")),
    path("stock/", include("stock.urls")),
    path("visits/", include("visits.urls")),
    path("quotes/", include("quotes.urls")),
    path("contracts/", include("contracts.urls")),
    path("shipping/", include("shipping.urls")),
    path("receivables/", include("receivables.urls")),
    path("escalations/", include("escalations.urls")),
    path("aftersales/", include("aftersales.urls")),
    path("expenses/", include("expenses.urls")),
    path("special-fees/", include("specialfees.urls")),
    path("targets/", include("targets.urls")),
    path("work-plans/", include("workplans.urls")),
    path("dealers/", include("dealers.urls")),
    path("health/", health, name="health"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # the split view serves its script as a file (no inline script); Swagger UI's page keeps
    # one inline <style>, allowed on this page only
    path(
        "api/docs/",
        csp_override({**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
]
