from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path(
        "<str:token>/chatbot-session-end/",
        views.chatbot_session_end,
        name="chatbot-session-end",
    ),
    path("<str:token>/call-result/", views.call_result, name="call-result"),
]
