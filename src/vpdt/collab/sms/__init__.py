"""SMS (tin nhắn điện thoại, SPEC §5): people an agency administrator authorises send short text messages about
pending work, through a gateway adapter (an HTTP SMS-brandname API, or the embedded outbox file); reminders of the
notifications app reach the people who opted in to the SMS channel."""
