"""maimai archive: every maimai DX (China) play, kept forever.

``core`` holds everything that does not need NoneBot (page client and parsers, song
catalogue, rating, archive and sync, database models, renderers); ``chat`` is the NoneBot
plugin, a thin layer that parses messages, calls the core and sends replies. This package
itself imports nothing, so the core can be driven from tests, benchmarks and the
``mai-archive`` command line without starting a bot.
"""
