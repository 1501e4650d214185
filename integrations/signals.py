"""What the inbox tells the layers above it, without knowing them."""

from django.dispatch import Signal

# Sent after an event was processed successfully, with ``kind``, ``payload`` (already parsed:
# the body is read once per processing) and ``event_id``. Payload drift listens.
event_processed = Signal()
