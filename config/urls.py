from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from calls_app.api import CallResultViewSet
from collections_app.api import CompareView, NumberHealthViewSet, PromiseViewSet
from dashboard.api import OutcomesView
from operations.health import healthz, readyz
from operations.metrics import metrics
from sessions_app.api import ChatSessionViewSet

api = DefaultRouter()
api.register("calls", CallResultViewSet, basename="call")
api.register("sessions", ChatSessionViewSet, basename="session")
api.register("promises", PromiseViewSet, basename="promise")
api.register("numbers", NumberHealthViewSet, basename="number")

# The home page is the site: no "View site" link; the product's name, not Django's.
admin.site.site_url = None
admin.site.site_header = admin.site.site_title = "AI Rudder inbox"
admin.site.index_title = "Records and settings"

urlpatterns = [
    path("", include("home.urls")),
    path("webhooks/airudder/", include("integrations.urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("admin/customers/", include("customers.urls")),
    path("account/settings/", include("staff.urls")),
    # Where customer history lived before it had an app of its own: bookmarks keep working.
    path(
        "admin/calls_app/callresult/history/",
        login_required(RedirectView.as_view(pattern_name="customers:history", query_string=True)),
    ),
    path("admin/", admin.site.urls),
    path("api/outcomes/", OutcomesView.as_view(), name="outcomes"),
    path("api/compare/", CompareView.as_view(), name="compare"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        login_required(SpectacularSwaggerView.as_view(url_name="schema")),
        name="api-docs",
    ),
    path("api/", include(api.urls)),
    path("dashboard/", include("dashboard.urls")),
    path("collections/", include("collections_app.urls")),
]
