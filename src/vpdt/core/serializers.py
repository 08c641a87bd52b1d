"""Fields shared by the API serializers of every app."""

from rest_framework import serializers


class Label(serializers.CharField):
    """The label of a choice, ``source="get_<field>_display"`` (read only). The method is called directly: DRF
    would inspect its signature for every object, a third of the time of a fifty-row list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        *path, method = self.source_attrs
        for attr in path:
            instance = getattr(instance, attr, None)
            if instance is None:
                return None
        return getattr(instance, method)()
