from django.urls import path

from . import inbox, views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("tables/<slug:key>.csv", views.table_csv, name="table-csv"),
    path("export/<slug:kind>.csv", views.records_csv, name="records-csv"),
    path("inbox/", inbox.inbox_health, name="inbox"),
    path("inbox/process-again/", inbox.inbox_process_again, name="inbox-process-again"),
]
