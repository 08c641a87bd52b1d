"""Internal mail (thư cá nhân, SPEC §5): official messages, requests and orders between the people and units of one
agency. See :mod:`.services` for the rules."""
