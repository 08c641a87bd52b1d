"""API of the signing app (placeholder until written)."""


def register(router):
    pass
