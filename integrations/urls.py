"""One webhook URL per event kind the domain apps declare (``integrations.kinds``)."""

from django.urls import path

from integrations import kinds
from integrations.views import webhook_view

app_name = "integrations"

urlpatterns = [
    path(f"<str:token>/{kind.url_path}/", webhook_view(kind), name=kind.url_path)
    for kind in kinds.all_kinds()
]
