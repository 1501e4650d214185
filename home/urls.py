from django.contrib import admin
from django.urls import path

from .views import home

urlpatterns = [
    # Behind the admin's login: staff only, as every page but the webhooks.
    path("", admin.site.admin_view(home), name="home"),
]
