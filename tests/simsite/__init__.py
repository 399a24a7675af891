"""SYNTHETIC test infrastructure: a local stand-in for the maimai-mobile (舞萌DX) site.

    from tests.simsite import World, run_simsite
    async with run_simsite(World()) as sim:
        p = sim.world.add_player(plays=60)
        ...  # fetch sim.url("record/") with p.session's cookies

Or standalone: ``python -m tests.simsite --port 8765 --players 3``.
"""

from .app import create_app, music_data_json
from .server import RunningSim, SimProcess, free_port, run_simsite
from .world import Fault, Play, Player, World

__all__ = [
    "Fault", "Play", "Player", "RunningSim", "SimProcess", "World",
    "create_app", "free_port", "music_data_json", "run_simsite",
]  # fmt: skip
