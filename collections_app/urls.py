from django.urls import path

from . import views

app_name = "collections"

urlpatterns = [
    path("promises/due/", views.due_today, name="due-today"),
    path("compare/", views.compare, name="compare"),
]
