"""The archive on a web page (/web): personal links (links.py), the ASGI app (server.py)
and its server-rendered pages. No NoneBot import: the chat layer mounts the app."""
