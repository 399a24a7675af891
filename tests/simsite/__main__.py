"""``python -m tests.simsite --port N [--players K] [--latency-ms X]``: the simulator on its own."""

from __future__ import annotations

import argparse

import uvicorn

from .app import create_app
from .world import World


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m tests.simsite", description=__doc__)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--players", type=int, default=3, help="players created at start")
    ap.add_argument("--plays", type=int, default=60, help="plays each starting player has")
    ap.add_argument("--latency-ms", type=int, default=0, help="added to every site request")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--session-ttl", type=float, default=None, help="seconds a login lasts")
    ap.add_argument(
        "--waf", action="store_true", help="require the WAF cookies (__tst_status, EO_Bot_Ssid)"
    )
    ap.add_argument("--base-path", default="/maimai-mobile/")
    args = ap.parse_args(argv)
    world = World(
        seed=args.seed,
        session_ttl=args.session_ttl,
        latency_ms=args.latency_ms,
        waf_required=args.waf,
    )
    for _ in range(args.players):
        world.add_player(plays=args.plays)
    app = create_app(world, base_path=args.base_path)
    root = f"http://{args.host}:{args.port}"
    print(f"maimai-mobile simulator (SYNTHETIC): {root}{app.state.base_path}", flush=True)
    print(
        f"admin: {root}/_sim/players (cookies of each player), /_sim/faults, /_sim/log", flush=True
    )
    for p in world.players.values():
        s = p.session
        assert s is not None
        print(
            f"  {p.id} {p.name} rating={p.rating} cookie: userId={s.user_id}; _t={s.t}", flush=True
        )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
