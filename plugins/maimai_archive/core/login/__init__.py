"""One-tap binding: the WeChat login link, the binds waiting for it, the bot's login proxy."""
