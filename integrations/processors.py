"""Which service turns which kind of event into records: an explicit map, no discovery."""

from calls_app.services import call_result_record
from sessions_app.services import chat_session_record

from .models import WebhookEvent

PROCESSORS = {
    WebhookEvent.Kind.CHATBOT_SESSION_END: chat_session_record,
    WebhookEvent.Kind.CALL_RESULT: call_result_record,
}
