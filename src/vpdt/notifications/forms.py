from django import forms

from . import channels, queries, topics


def field_name(topic: str, channel: str) -> str:
    return f"{topic}__{channel}"


class PreferencesForm(forms.Form):
    """One checkbox per topic and channel the person may turn off (the in-app channel is always on)."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = queries.choices(user)
        for topic in topics.every():
            for channel in channels.every():
                if channel.optional:
                    self.fields[field_name(topic.code, channel.code)] = forms.BooleanField(
                        required=False,
                        label=f"{topic.label} – {channel.label}",
                        initial=current[topic.code, channel.code],
                    )

    def rows(self) -> list[dict]:
        """The table of the account page: a row per topic, a cell per channel (None: always on)."""
        return [
            {
                "topic": topic,
                "cells": [
                    self[field_name(topic.code, channel.code)] if channel.optional else None
                    for channel in channels.every()
                ],
            }
            for topic in topics.every()
        ]

    def choices(self) -> dict[tuple[str, str], bool]:
        return {
            (topic.code, channel.code): self.cleaned_data[field_name(topic.code, channel.code)]
            for topic in topics.every()
            for channel in channels.every()
            if channel.optional
        }
