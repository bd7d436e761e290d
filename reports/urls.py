"""The reports pages, mounted at /reports/: each area's module lists its own paths."""

from .views import analytics, dashboard, diary, fines, index, meeting, periodic

app_name = "reports"

urlpatterns = [
    *index.urlpatterns,
    *diary.urlpatterns,
    *fines.urlpatterns,
    *meeting.urlpatterns,
    *periodic.urlpatterns,
    *analytics.urlpatterns,
    *dashboard.urlpatterns,
]
