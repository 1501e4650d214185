from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("webhooks/airudder/", include("integrations.urls")),
    path("admin/", admin.site.urls),
]
