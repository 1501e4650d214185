"""What the inbox tells the layers above it, without knowing them."""

from django.dispatch import Signal

# Sent after events of one ``kind`` were processed successfully (a batch, or one), with
# ``events``: (event id, payload) pairs, the payload already parsed (the body is read once per
# processing). Payload drift and collections listen; collections records a batch at once.
events_processed = Signal()
