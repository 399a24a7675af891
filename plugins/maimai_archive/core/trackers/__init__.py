"""Score trackers (水鱼 / 落雪): the player's own token, and their bests pushed after syncs.

``base`` holds what both share (the best as a service needs it, the error kinds, a capped
HTTP post); ``divingfish`` and ``lxns`` build each service's payload and read its answer;
``push`` keeps the links (encrypted tokens, what is still pending) and runs the pushes.
"""
