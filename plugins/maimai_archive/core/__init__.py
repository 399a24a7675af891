"""The bot's core: no NoneBot import anywhere below this package."""
