"""API routes of the signing app; each part registers its own view sets."""

from . import api, session_api, verification_api


def register(router):
    api.register(router)
    session_api.register(router)
    verification_api.register(router)
