"""The live process (``vpdt serve`` runs it with uvicorn beside gunicorn): the WebSockets of open pages
(:mod:`vpdt.core.realtime`). Plain HTTP is served by gunicorn (``vpdt.wsgi``); this process answers it too, for a
proxy that sends everything to one place."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vpdt.settings")

from django.core.asgi import get_asgi_application

django_application = get_asgi_application()  # sets Django up: the apps have registered their sockets

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from vpdt.core import realtime  # noqa: E402

router = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(realtime.routes()))),
    }
)


async def application(scope, receive, send):
    if scope["type"] == "lifespan":
        await realtime.lifespan(receive, send)
        return
    await router(scope, receive, send)
