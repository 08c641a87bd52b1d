"""vpdt: văn phòng điện tử (electronic office) for Vietnamese state agencies."""

from .celery import app as celery_app

__all__ = ["celery_app"]
__version__ = "0.1.0"
