from django.contrib import admin
from django.urls import path

from .erasure_views import customer_erase_view
from .views import customer_history_view

app_name = "customers"

urlpatterns = [
    path("history/", admin.site.admin_view(customer_history_view), name="history"),
    path("erase/", admin.site.admin_view(customer_erase_view), name="erase"),
]
