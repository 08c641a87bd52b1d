"""The live socket of a page (:mod:`.realtime`): it belongs to the person signed in and carries the nudges
published for them. A socket opened without a session is refused."""

from __future__ import annotations

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from . import realtime

REFUSED = 4401  # the page then stops trying: its session has ended


class EventsConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.accept()  # then closed with the code that tells the page to stop trying
            await self.close(code=REFUSED)
            return
        self.group = realtime.group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        """The page says nothing on this socket; anything it sends is ignored."""

    async def vpdt_event(self, event):
        await self.send_json(event["data"])
