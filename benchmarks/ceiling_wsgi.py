"""The ceiling the webhook is measured against: a Django view that only INSERTs the raw body.

Same settings, middleware, gunicorn options, database and connection settings as the project;
one durable statement per request and nothing else (no endpoint, no dedup, no broker). Started
by ``webhook_ingest.py`` as ``gunicorn -c config/gunicorn.py benchmarks.ceiling_wsgi``.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

TABLE = "bench_ceiling"


@csrf_exempt
def store(request, token: str, kind: str):
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (body) VALUES (%s)", [request.body])  # noqa: S608
    return HttpResponse("{}", content_type="application/json")


def alive(request):
    """What ``webhook_ingest.py`` polls until the server answers (a 404 page would need the
    project's URLs to render)."""
    return HttpResponse("ok")


urlpatterns = [
    path("webhooks/airudder/<str:token>/<str:kind>/", store),
    path("healthz", alive),
]
settings.ROOT_URLCONF = __name__
application = get_wsgi_application()
