from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("tables/<slug:key>.csv", views.table_csv, name="table-csv"),
    path("export/<slug:kind>.csv", views.records_csv, name="records-csv"),
]
