"""SYNTHETIC: the simulator's players, their plays, bests, sessions and fault switches.

Everything here is deterministic for a given seed, so a test can predict every page. Plays
advance on a synthetic clock (starting at ``World.start``), not the wall clock; sessions use
the injectable ``clock`` (wall-clock seconds by default) for expiry.
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from typing import Any

from plugins.maimai_archive.core.game import (
    FC,
    FC_ORDER,
    FS,
    FS_ORDER,
    ChartType,
    Difficulty,
    Rank,
    rank_for,
)
from plugins.maimai_archive.core.parsed import Judgements, ParsedPlay, ParsedScore

from .charts import CHARTS, LAGGING_IDS, Chart

CST = timezone(timedelta(hours=8))
RING = 50  # the site keeps the latest 50 plays
ALBUM = 10  # and the latest 10 photos

# DOMAIN.md §5: rating factor by achievement lower bound (1/10000 percent).
_FACTORS = [
    (1_005_000, 224), (1_004_999, 222), (1_000_000, 216), (999_999, 214), (995_000, 211),
    (990_000, 208), (989_999, 206), (980_000, 203), (970_000, 200), (969_999, 176),
    (940_000, 168), (900_000, 152), (800_000, 136), (799_999, 128), (750_000, 120),
    (700_000, 112), (600_000, 96), (500_000, 80), (400_000, 64), (300_000, 48),
    (200_000, 32), (100_000, 16), (0, 0),
]  # fmt: skip


def chart_rating(chart: Chart, achievement: int) -> int:
    """floor(ds × min(ach, 100.5) / 100 × factor), in exact arithmetic; Utage gives 0."""
    if chart.type is ChartType.UTAGE:
        return 0
    factor = next(f for bound, f in _FACTORS if achievement >= bound)
    ach = min(achievement, 1_005_000)
    return int(Fraction(str(chart.ds)) * ach * factor / (1_000_000 * 10))


def dx_stars(dx_score: int, dx_max: int) -> int:
    for ratio, stars in ((0.97, 5), (0.95, 4), (0.93, 3), (0.90, 2), (0.85, 1)):
        if dx_score >= dx_max * ratio:
            return stars
    return 0


_FS_FOR_FC = {None: FS.SYNC, FC.FC: FS.FS, FC.FCP: FS.FSP, FC.AP: FS.FSD, FC.APP: FS.FSDP}
# Base points per judgement (CP, P, GREAT, GOOD, MISS) for tap hold slide touch break.
_POINTS = (
    (500, 500, 400, 250, 0),
    (1000, 1000, 800, 500, 0),
    (1500, 1500, 1200, 750, 0),
    (500, 500, 400, 250, 0),
    (2500, 2500, 2000, 1000, 0),
)
_BREAK_BONUS = (Fraction(1), Fraction(1, 2), Fraction(2, 5), Fraction(3, 10), Fraction(0))
_DX_POINTS = (3, 2, 1, 0, 0)
_OTHER_PLAYERS = ("ＲＩＶＡＬ", "ｍａｉｍａｉ", "でらっくす", "舞萌ちゃん", "ＧＵＥＳＴ")


@dataclass(slots=True)
class Play:
    """One play as the site knows it (record list + playlogDetail)."""

    seq: int  # 0-based count of this player's plays ever: the ring slot is seq % 50
    chart: Chart
    unix: int
    track: int
    judgements: tuple[tuple[int, int, int, int, int], ...]  # rows tap..break × CP..MISS
    fast: int
    late: int
    achievement: int
    dx_score: int
    fc: FC | None
    fs: FS | None
    max_combo: int
    max_sync: int | None  # None for a solo play
    place: int | None
    matching: tuple[str, ...]
    new_record: bool = False
    new_dx_record: bool = False
    rating_after: int = 0
    rating_delta: int = 0

    @property
    def rank(self) -> Rank:
        return rank_for(self.achievement)

    @property
    def dx_stars(self) -> int:
        return dx_stars(self.dx_score, self.chart.dx_score_max)

    @property
    def played_at(self) -> datetime:
        """The time the page shows: local time (UTC+8), minute precision."""
        return datetime.fromtimestamp(self.unix - self.unix % 60, CST)

    @property
    def max_sync_possible(self) -> int | None:
        return None if self.max_sync is None else 2 * self.chart.total_notes

    def parsed_judgements(self) -> Judgements:
        rows: list[tuple[int | None, ...]] = [tuple(r) for r in self.judgements]
        if self.chart.type is ChartType.SD:
            rows[3] = (None,) * 5  # the TOUCH row is empty on SD charts
        return Judgements(*rows)

    def as_parsed(self, slot: int) -> ParsedPlay:
        """What a parser must read off ``record/`` for this play (level is not on it)."""
        c = self.chart
        return ParsedPlay(
            idx=f"{slot},{self.unix}",
            track=self.track,
            played_at=self.played_at,
            title=c.title,
            type=c.type,
            difficulty=c.difficulty,
            level=None,
            achievement=self.achievement,
            dx_score=self.dx_score,
            dx_score_max=c.dx_score_max,
            dx_stars=self.dx_stars,
            rank=self.rank,
            fc=self.fc,
            fs=self.fs,
            new_record=self.new_record,
            new_dx_record=self.new_dx_record,
            place=self.place,
            buddy=False,
            jacket=c.jacket,
        )

    def to_json(self, slot: int | None) -> dict[str, Any]:
        c = self.chart
        return {
            "seq": self.seq,
            "idx": None if slot is None else f"{slot},{self.unix}",
            "unix": self.unix,
            "played_at": self.played_at.isoformat(),
            "track": self.track,
            "song_id": c.song_id,
            "title": c.title,
            "type": c.type.value,
            "difficulty": c.difficulty.value,
            "level": c.level,
            "achievement": self.achievement,
            "dx_score": self.dx_score,
            "dx_score_max": c.dx_score_max,
            "dx_stars": self.dx_stars,
            "rank": self.rank.value,
            "fc": self.fc and self.fc.value,
            "fs": self.fs and self.fs.value,
            "new_record": self.new_record,
            "new_dx_record": self.new_dx_record,
            "place": self.place,
            "matching": list(self.matching),
            "judgements": [list(r) for r in self.judgements],
            "fast": self.fast,
            "late": self.late,
            "max_combo": [self.max_combo, c.total_notes],
            "max_sync": None if self.max_sync is None else [self.max_sync, self.max_sync_possible],
            "rating": self.rating_after,
            "rating_delta": self.rating_delta,
        }


@dataclass(slots=True)
class Best:
    """A chart's best on the score lists: each lamp is its own best."""

    chart: Chart
    achievement: int
    dx_score: int
    fc: FC | None
    fs: FS | None

    def merge(self, play: Play) -> None:
        self.achievement = max(self.achievement, play.achievement)
        self.dx_score = max(self.dx_score, play.dx_score)
        self.fc = max(self.fc, play.fc, key=FC_ORDER.index)
        self.fs = max(self.fs, play.fs, key=FS_ORDER.index)

    def as_parsed(self) -> ParsedScore:
        c = self.chart
        return ParsedScore(
            title=c.title,
            type=c.type,
            difficulty=c.difficulty,
            level=c.level,
            achievement=self.achievement,
            dx_score=self.dx_score,
            dx_score_max=c.dx_score_max,
            dx_stars=dx_stars(self.dx_score, c.dx_score_max),
            rank=rank_for(self.achievement),
            fc=self.fc,
            fs=self.fs,
            genre=c.genre,
        )


@dataclass(slots=True)
class Photo:
    file: str  # under img/photo/
    chart: Chart
    unix: int
    place: str

    @property
    def taken_at(self) -> datetime:
        return datetime.fromtimestamp(self.unix - self.unix % 60, CST)


@dataclass(slots=True)
class Session:
    user_id: str
    t: str
    started: float


@dataclass(slots=True)
class Player:
    id: str
    name: str
    friend_code: str
    seed: int
    skill: float  # 0..1, how well this player plays
    rng: random.Random
    clock: int  # unix time of the latest play (synthetic timeline)
    track: int = 0  # track number of the latest play within its credit
    credit_len: int = 4
    history: list[Play] = field(default_factory=list)
    bests: dict[tuple[int, Difficulty], Best] = field(default_factory=dict)
    photos: list[Photo] = field(default_factory=list)
    rating: int = 0
    session: Session | None = None
    trophy: str = "シミュレーター"
    comment: str = ""
    in_flight: int = 0
    max_in_flight: int = 0

    @property
    def icon(self) -> str:
        """Icon image file stem (the page adds ".png")."""
        return f"{self.seed:016x}"[-16:]

    @property
    def stars(self) -> int:
        return sum(dx_stars(b.dx_score, b.chart.dx_score_max) for b in self.bests.values())

    def recent(self) -> list[Play]:
        """The record list: the latest 50 plays, newest first."""
        return self.history[::-1][:RING]

    def album(self) -> list[Photo]:
        return self.photos[::-1][:ALBUM]


@dataclass(slots=True)
class Fault:
    """A fault switch. ``player`` None = every player; ``path`` = page prefix (e.g. "record/").

    Kinds: ``http567``, ``slow`` (params.delay_ms), ``hang`` (params.seconds), ``truncate``
    (params.fraction), ``waf`` (challenge page), ``maintenance``, ``error`` (kills the session
    and redirects to error/), ``layout`` (class names renamed: with ``path`` a changed detail
    page, album…), ``missing`` (HTTP 404), ``oversize`` (params.mb of padding before
    ``</html>``). The fault skips the first
    ``after`` matching requests, then fires ``times`` times (None = for ever).
    """

    id: int
    kind: str
    player: str | None = None
    path: str | None = None
    after: int = 0
    times: int | None = None
    params: dict[str, Any] = field(default_factory=dict)
    seen: int = 0
    fired: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "player": self.player, "path": self.path,
            "after": self.after, "times": self.times, "params": self.params,
            "seen": self.seen, "fired": self.fired,
        }  # fmt: skip


FAULT_KINDS = (
    "http567",
    "slow",
    "hang",
    "truncate",
    "waf",
    "maintenance",
    "error",
    "layout",
    "missing",
    "oversize",
)


@dataclass(slots=True)
class LogEntry:
    seq: int
    method: str
    page: str  # the path relative to the base ("record/playlogDetail/"), or the full path
    query: str
    player: str | None
    status: int = 0
    bytes: int = 0
    session: str | None = None  # ok | stale | expired | missing | None (no session needed)
    fault: str | None = None
    overlap: bool = False  # another request of the same player was in flight

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq, "method": self.method, "page": self.page, "query": self.query,
            "player": self.player, "status": self.status, "bytes": self.bytes,
            "session": self.session, "fault": self.fault, "overlap": self.overlap,
        }  # fmt: skip


class World:
    """All simulated players, their sessions, the fault switches and the request log."""

    def __init__(
        self,
        *,
        seed: int = 0,
        start: datetime = datetime(2025, 11, 1, 10, 0, tzinfo=CST),
        session_ttl: float | None = None,
        clock: Callable[[], float] = time.time,
        slot_mode: str = "ring",
        latency_ms: int = 0,
        waf_required: bool = False,
        require_wechat_ua: bool = False,
        songdb_lag: bool = True,
    ) -> None:
        self.seed = seed
        self.start = start
        self.session_ttl = session_ttl
        self.clock = clock
        # "ring": slot = position in the site's ring (seq % 50), as the real pages show;
        # "list": slot = position in the list (newest 0), to test clients that must not
        # rely on slots.
        self.slot_mode = slot_mode
        self.latency_ms = latency_ms
        self.waf_required = waf_required
        self.require_wechat_ua = require_wechat_ua
        self.players: dict[str, Player] = {}
        self.faults: list[Fault] = []
        self.log: list[LogEntry] = []
        self._fault_ids = 0
        self._by_user_id: dict[str, str] = {}  # every userId ever issued → player id
        self._oauth_codes: dict[str, str] = {}  # one-time callback code → player id
        self.wechat_root: str | None = (
            None  # the fake WeChat host (oauth.py); None = localhost:<port>
        )
        # The song data (水鱼's music_data) lags behind the site like the real one: these
        # songs are played on the site but not in it until /_sim/songdb learns them.
        self.songdb_missing: set[int] = set(LAGGING_IDS) if songdb_lag else set()
        self.songdb_titles: dict[int, str] = {}  # renamed in the song data

    # ----- players and plays -----

    def add_player(
        self,
        name: str | None = None,
        *,
        seed: int | None = None,
        plays: int = 20,
        skill: float | None = None,
    ) -> Player:
        n = len(self.players) + 1
        pid = f"p{n}"
        seed = self.seed * 100_003 + n if seed is None else seed
        rng = random.Random(seed)
        player = Player(
            id=pid,
            name=name or _fullwidth(f"SIM{n:02d}"),
            friend_code=str(rng.randrange(10**14, 10**15)),
            seed=seed,
            skill=rng.uniform(0.35, 0.97) if skill is None else skill,
            rng=rng,
            clock=int(self.start.timestamp()) + rng.randrange(0, 3600),
        )
        self.players[pid] = player
        self.play(player, plays)
        self.login(player)
        return player

    def player(self, pid: str) -> Player:
        return self.players[pid]

    def play(self, player: Player | str, n: int = 1) -> list[Play]:
        """The player plays ``n`` more charts; the ring keeps the latest 50."""
        p = self.players[player] if isinstance(player, str) else player
        return [self._play_one(p) for _ in range(n)]

    def slot_of(self, player: Player, play: Play) -> int:
        if self.slot_mode == "list":
            return len(player.history) - 1 - play.seq
        return play.seq % RING

    def recent_with_slots(self, player: Player) -> list[tuple[int, Play]]:
        return [(self.slot_of(player, p), p) for p in player.recent()]

    def find_play(self, player: Player, idx: str) -> Play | None:
        """The play a ``playlogDetail/?idx=slot,unix`` asks for, if still in the ring."""
        try:
            slot_s, unix_s = idx.split(",")
            slot, unix = int(slot_s), int(unix_s)
        except ValueError:
            return None
        for s, p in self.recent_with_slots(player):
            if s == slot and p.unix == unix:
                return p
        return None

    def _play_one(self, p: Player) -> Play:
        rng = p.rng
        # Credits of 3–4 tracks, a few minutes apart; a new credit after a break, and now
        # and then a new day.
        if p.track >= p.credit_len or p.track == 0:
            gap = (
                rng.randrange(300, 1800)
                if rng.random() < 0.85
                else rng.randrange(86_400, 3 * 86_400)
            )
            p.track = 1
            p.credit_len = 4 if rng.random() < 0.8 else 3
        else:
            gap = rng.randrange(170, 260)
            p.track += 1
        p.clock += gap if p.history else 0
        chart = rng.choice(CHARTS)
        quality = min(1.0, max(0.0, rng.gauss(p.skill, 0.06)))
        quit_ = rng.random() < 0.02
        judgements = _judge(rng, chart, quality, quit_)
        achievement = _achievement(chart, judgements)
        dx_score = sum(_DX_POINTS[j] * row[j] for row in judgements for j in range(5))
        fc = _fc_of(judgements)
        multi = rng.random() < 0.3
        total = chart.total_notes
        misses = sum(row[4] for row in judgements)
        max_combo = total if fc else max(1, (total - misses) // (1 + rng.randrange(0, misses + 1)))
        place = matching = None
        fs = max_sync = None
        if multi:
            others = rng.randrange(1, 4)
            place = rng.randrange(1, others + 2)
            matching = tuple(rng.sample(_OTHER_PLAYERS, others))
            fs = _FS_FOR_FC[fc] if rng.random() < 0.7 else FS.SYNC
            max_sync = 2 * total if fs is not FS.SYNC else rng.randrange(total // 2, 2 * total)
        hits = sum(row[1] + row[2] + row[3] for row in judgements)
        fast = rng.randrange(0, hits + 1)
        play = Play(
            seq=len(p.history),
            chart=chart,
            unix=p.clock,
            track=p.track,
            judgements=judgements,
            fast=fast,
            late=hits - fast,
            achievement=achievement,
            dx_score=dx_score,
            fc=fc,
            fs=fs,
            max_combo=max_combo,
            max_sync=max_sync,
            place=place,
            matching=matching or (),
        )
        best = p.bests.get(chart.key)
        play.new_record = best is None or achievement > best.achievement
        play.new_dx_record = best is None or dx_score > best.dx_score
        if best is None:
            p.bests[chart.key] = Best(chart, achievement, dx_score, fc, fs)
        else:
            best.merge(play)
        before = p.rating
        p.rating = self.rating_of(p)
        play.rating_after, play.rating_delta = p.rating, p.rating - before
        p.history.append(play)
        if p.track >= p.credit_len and rng.random() < 0.6:
            file = f"{rng.getrandbits(64):016x}.png"
            p.photos.append(Photo(file, chart, play.unix + 30, "模拟机厅"))
        return play

    @staticmethod
    def rating_of(player: Player) -> int:
        """DX rating: best 35 older-version charts + best 15 current-version charts."""
        old: list[int] = []
        new: list[int] = []
        for b in player.bests.values():
            (new if b.chart.is_new else old).append(chart_rating(b.chart, b.achievement))
        return sum(sorted(old, reverse=True)[:35]) + sum(sorted(new, reverse=True)[:15])

    def scores(self, player: Player, diff: int) -> list[Best]:
        return [b for b in player.bests.values() if b.chart.diff_index == diff]

    # ----- sessions -----

    def login(self, player: Player | str) -> Session:
        """A fresh session (as after the WeChat login); the old one stops working."""
        p = self.players[player] if isinstance(player, str) else player
        p.session = Session(self._new_user_id(p), secrets.token_hex(16), self.clock())
        return p.session

    def rotate(self, player: Player) -> Session:
        """New cookie values for the next request; the old ones become stale."""
        assert player.session is not None
        player.session.user_id = self._new_user_id(player)
        player.session.t = secrets.token_hex(16)
        return player.session

    def expire(self, player: Player | str) -> None:
        p = self.players[player] if isinstance(player, str) else player
        p.session = None

    def oauth_callback_query(self, player: Player | str) -> str:
        """A one-time ``r=…&t=…&code=…&state=…`` query for the WeChat callback."""
        code = self.issue_oauth_code(player)
        return f"r=c{secrets.randbelow(10**6)}&t={secrets.randbelow(10**10)}&code={code}&state={secrets.token_hex(20).upper()}"

    def issue_oauth_code(self, player: Player | str) -> str:
        """A single-use login code for ``player`` (what WeChat hands the callback)."""
        p = self.players[player] if isinstance(player, str) else player
        code = secrets.token_hex(16)
        self._oauth_codes[code] = p.id
        return code

    def redeem_oauth_code(self, code: str) -> Player | None:
        pid = self._oauth_codes.pop(code, None)
        return None if pid is None else self.players[pid]

    def identify(self, user_id: str | None, t: str | None) -> tuple[Player | None, str]:
        """Whose request this is and the state of its session: ok | stale | expired | missing."""
        if not user_id or not t:
            return None, "missing"
        pid = self._by_user_id.get(user_id)
        if pid is None:
            return None, "stale"
        p = self.players[pid]
        s = p.session
        if s is None:
            return p, "expired"
        if s.user_id != user_id or s.t != t:
            return p, "stale"
        if self.session_ttl is not None and self.clock() - s.started > self.session_ttl:
            p.session = None
            return p, "expired"
        return p, "ok"

    def _new_user_id(self, p: Player) -> str:
        uid = str(secrets.randbelow(10**18) + 10**18)
        self._by_user_id[uid] = p.id
        return uid

    # ----- faults -----

    def add_fault(
        self,
        kind: str,
        *,
        player: str | None = None,
        path: str | None = None,
        after: int = 0,
        times: int | None = None,
        **params: Any,
    ) -> Fault:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(FAULT_KINDS)}")
        self._fault_ids += 1
        fault = Fault(self._fault_ids, kind, player, path, after, times, params)
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self.faults.clear()

    def faults_for(self, page: str, player: Player | None) -> list[Fault]:
        """The faults that fire on this request (counting it against each matching switch)."""
        firing = []
        for f in self.faults:
            if f.player is not None and (player is None or player.id != f.player):
                continue
            if f.path is not None and not page.startswith(f.path):
                continue
            f.seen += 1
            if f.seen <= f.after or (f.times is not None and f.fired >= f.times):
                continue
            f.fired += 1
            firing.append(f)
        return firing

    # ----- log -----

    def counters(self) -> dict[str, Any]:
        by_page: dict[str, int] = {}
        by_player: dict[str, dict[str, int]] = {}
        for e in self.log:
            by_page[e.page] = by_page.get(e.page, 0) + 1
            if e.player:
                d = by_player.setdefault(e.player, {})
                d[e.page] = d.get(e.page, 0) + 1
        return {
            "total": len(self.log),
            "by_page": by_page,
            "by_player": by_player,
            "overlaps": sum(e.overlap for e in self.log),
            "max_in_flight": {p.id: p.max_in_flight for p in self.players.values()},
        }


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def _judge(
    rng: random.Random, chart: Chart, quality: float, quit_: bool
) -> tuple[tuple[int, int, int, int, int], ...]:
    """Judgement counts per note type; a worse ``quality`` moves notes down the columns."""
    bad = 1.0 - quality
    rows = []
    for n in chart.notes:
        n = n or 0
        if quit_:
            played = min(n, rng.randrange(0, n // 10 + 2))
            rows.append((played, 0, 0, 0, n - played))
            continue
        miss = min(n, int(n * 0.03 * bad * rng.uniform(0, 2)))
        good = min(n - miss, int(n * 0.03 * bad * rng.uniform(0, 2)))
        great = min(n - miss - good, int(n * 0.2 * bad * rng.uniform(0, 2)))
        rest = n - miss - good - great
        perfect = min(rest, int(rest * (0.45 - 0.4 * quality) * rng.uniform(0, 2)))
        rows.append((rest - perfect, perfect, great, good, miss))
    return tuple(rows)


def _achievement(chart: Chart, judgements: tuple[tuple[int, int, int, int, int], ...]) -> int:
    """DOMAIN.md §5 score line, truncated to 1/10000 percent as the site shows it."""
    base = [500, 1000, 1500, 500, 2500]
    total_base = sum(b * (n or 0) for b, n in zip(base, chart.notes, strict=True))
    earned = sum(_POINTS[i][j] * judgements[i][j] for i in range(5) for j in range(5))
    breaks = chart.notes[4]
    ach = Fraction(100 * earned, total_base)
    if breaks:
        ach += Fraction(sum(_BREAK_BONUS[j] * judgements[4][j] for j in range(5))) / breaks
    return int(ach * 10000)


def _fc_of(judgements: tuple[tuple[int, int, int, int, int], ...]) -> FC | None:
    col = [sum(row[j] for row in judgements) for j in range(5)]
    if col[4]:
        return None
    if col[3]:
        return FC.FC
    if col[2]:
        return FC.FCP
    return FC.AP if col[1] else FC.APP
