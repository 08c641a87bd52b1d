"""Chat (hội thoại, SPEC §5): one-to-one and group conversations for work between people of one agency, with
history, unread counts, attachments and mentions, delivered live over the page's socket (:mod:`vpdt.core.realtime`)
and by polling when the socket cannot open."""
