"""URLs of the outgoing-document screens, mounted at /van-ban-di/.

Drafting and review screens live in ``drafting_urls`` (views.py); the clerk's screens (issue, register, recall)
in ``clerk_urls`` (clerk_views.py). The clerk's queues of arrivals and recalls are the exchange's (/lien-thong/).
"""

from .clerk_urls import urlpatterns as clerk_patterns
from .drafting_urls import urlpatterns as drafting_patterns

app_name = "outgoing"
urlpatterns = clerk_patterns + drafting_patterns
