"""The maimai-mobile simulator (tests/simsite): sessions, the 50-play ring, fault switches,
well-formed pages, and our parsers reading every simulator page back to the simulator's data."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from typing import Any, ClassVar

import httpx
import pytest

from plugins.maimai_archive.core.client import MaimaiClient
from plugins.maimai_archive.core.errors import (
    ChallengePage,
    Maintenance,
    NetworkError,
    PageChanged,
    RateLimited,
    SessionExpired,
)
from plugins.maimai_archive.core.game import ChartType, Difficulty
from plugins.maimai_archive.core.pages import (
    check_status,
    parse_detail,
    parse_photos,
    parse_profile,
    parse_record,
    parse_scores,
)
from tests.simsite import RunningSim, SimProcess, World, music_data_json, run_simsite
from tests.simsite import pages as sim_pages
from tests.simsite.charts import CHARTS, LAGGING_IDS
from tests.simsite.world import Player, _achievement, chart_rating

BASE = "http://sim.test/maimai-mobile/"
WECHAT_UA = "Mozilla/5.0 MicroMessenger/7.0.20.1781(0x6700143B) WindowsWechat(0x6307001e)"


def cookie_header(player: Player) -> dict[str, str]:
    assert player.session is not None
    return {"Cookie": f"userId={player.session.user_id}; _t={player.session.t}"}


def rotated(response: httpx.Response) -> dict[str, str]:
    """The cookie header the next request must send, from this response's Set-Cookie."""
    jar = {
        c.split("=", 1)[0]: c.split("=", 1)[1].split(";", 1)[0]
        for c in response.headers.get_list("set-cookie")
    }
    return {"Cookie": f"userId={jar['userId']}; _t={jar['_t']}"}


@pytest.fixture
async def sim() -> AsyncIterator[RunningSim]:
    async with run_simsite(World(seed=7)) as running:
        yield running


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10, follow_redirects=False) as c:
        yield c


# ---------- the world: plays, ring, rating ----------


def test_same_seed_gives_the_same_plays() -> None:
    a, b = World(seed=3).add_player(plays=40), World(seed=3).add_player(plays=40)
    assert [(p.chart.title, p.unix, p.achievement) for p in a.history] == [
        (p.chart.title, p.unix, p.achievement) for p in b.history
    ]


def test_ring_keeps_latest_50_newest_first_and_slots_advance() -> None:
    w = World()
    p = w.add_player(plays=30)
    assert [s for s, _ in w.recent_with_slots(p)] == list(range(29, -1, -1))
    first_newest = p.recent()[0]
    w.play(p, 30)
    recent = w.recent_with_slots(p)
    assert len(recent) == 50
    assert [play.seq for _, play in recent] == list(range(59, 9, -1))
    # ring positions: newest play 59 sits in slot 9, then 8 … 0, 49 … 10
    assert [s for s, _ in recent][:12] == [9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 49, 48]
    assert [play.unix for _, play in recent] == sorted(
        (play.unix for _, play in recent), reverse=True
    )
    # the play that was newest is still there under its slot; the oldest 10 are gone
    assert w.find_play(p, f"29,{first_newest.unix}") is first_newest
    assert w.find_play(p, f"0,{p.history[0].unix}") is None


def test_list_slot_mode_numbers_the_list_from_zero() -> None:
    w = World(slot_mode="list")
    p = w.add_player(plays=55)
    assert [s for s, _ in w.recent_with_slots(p)] == list(range(50))


def test_score_line_and_rating_edges() -> None:
    chart = next(
        c for c in CHARTS if c.title == "Re:Unknown X" and c.difficulty is Difficulty.MASTER
    )
    all_cp = tuple((n or 0, 0, 0, 0, 0) for n in chart.notes)
    assert _achievement(chart, all_cp) == 1_010_000
    assert chart_rating(chart, 1_010_000) == 330  # 14.7 × 100.5 × 22.4 / 100 = 330.9
    assert chart_rating(chart, 999_999) == 314  # the 21.4 row: 14.7 × 99.9999 × 21.4 / 100
    utage = next(c for c in CHARTS if c.type is ChartType.UTAGE)
    assert chart_rating(utage, 1_005_000) == 0


def test_chart_list_holds_the_title_pitfalls() -> None:
    titles = [c.title for c in CHARTS]
    assert "\u3000" in titles
    links = [c for c in CHARTS if c.title == "Link"]
    assert len({c.song_id for c in links}) == 2 and len({c.dx_score_max for c in links}) == 2
    assert any(c.type is ChartType.UTAGE for c in CHARTS)
    assert any(c.difficulty is Difficulty.REMASTER for c in CHARTS)


# ---------- our parsers read every simulator page back exactly ----------


@pytest.fixture(scope="module")
def world5() -> World:
    w = World(seed=11)
    for _ in range(5):
        w.add_player(plays=75)
    return w


def test_record_page_reads_back_exactly(world5: World) -> None:
    for p in world5.players.values():
        got = parse_record(sim_pages.record_page(BASE, world5, p))
        assert got == [play.as_parsed(slot) for slot, play in world5.recent_with_slots(p)]


def test_detail_pages_read_back_exactly(world5: World) -> None:
    seen_multi = seen_sd = False
    for p in world5.players.values():
        for slot, play in world5.recent_with_slots(p):
            d = parse_detail(sim_pages.detail_page(BASE, play, slot))
            assert d.play == play.as_parsed(slot)
            assert d.judgements == play.parsed_judgements()
            assert (d.fast, d.late) == (play.fast, play.late)
            assert d.max_combo == (play.max_combo, play.chart.total_notes)
            want_sync = None if play.max_sync is None else (play.max_sync, play.max_sync_possible)
            assert d.max_sync == want_sync
            assert (d.rating, d.rating_delta) == (play.rating_after, play.rating_delta)
            assert d.matching == play.matching
            seen_multi |= bool(play.matching)
            seen_sd |= play.chart.type is ChartType.SD
    assert seen_multi and seen_sd


def test_score_lists_read_back_exactly(world5: World) -> None:
    for p in world5.players.values():
        for diff in (0, 1, 2, 3, 4, 10):
            got = parse_scores(sim_pages.scores_page(BASE, world5, p, diff))
            assert len(got) == sum(c.diff_index == diff for c in CHARTS)
            played = sorted(
                ((s.title, s.dx_score_max), s)
                for s in (g for g in got if g.achievement is not None)
                for s in [
                    s.__class__(**{**{f: getattr(s, f) for f in s.__slots__}, "music_idx": None})
                ]
            )
            want = sorted(
                ((b.chart.title, b.chart.dx_score_max), b.as_parsed())
                for b in world5.scores(p, diff)
            )
            assert played == want


def test_profile_pages_read_back_exactly(world5: World) -> None:
    for p in world5.players.values():
        for html in (
            sim_pages.home_page(BASE, p),
            sim_pages.player_data_page(BASE, world5, p),
            sim_pages.friend_code_page(BASE, p),
        ):
            got = parse_profile(html)
            assert (got.name, got.rating, got.stars, got.icon, got.trophy) == (
                p.name, p.rating, p.stars, p.icon, p.trophy,
            )  # fmt: skip
        assert parse_profile(sim_pages.player_data_page(BASE, world5, p)).play_count == len(
            p.history
        )
        assert parse_profile(sim_pages.friend_code_page(BASE, p)).friend_code == p.friend_code
        tallies = parse_profile(sim_pages.player_data_page(BASE, world5, p)).tallies
        want = sim_pages.tallies(world5, p, 99)
        (got_all,) = tallies.values()
        assert got_all["sssp"] == want["sssp"] and got_all["clear"] == want["clear"]


def test_album_reads_back_exactly(world5: World) -> None:
    for p in world5.players.values():
        got = parse_photos(sim_pages.photos_page(BASE, p))
        want = [
            (sim_pages.photo_url(BASE, x), x.chart.title, x.chart.difficulty, x.taken_at, x.place)
            for x in p.album()
        ]
        assert [(g.url, g.title, g.difficulty, g.taken_at, g.place) for g in got] == want
        assert len(got) <= 10


def test_no_data_pages_raise_their_typed_errors() -> None:
    with pytest.raises(SessionExpired):
        check_status(sim_pages.error_page(BASE, "200002"))
    with pytest.raises(Maintenance):
        check_status(sim_pages.maintenance_page(BASE))
    with pytest.raises(ChallengePage):
        check_status(sim_pages.challenge_page())


class _Balance(HTMLParser):
    """Checks that every non-void element is closed, in order."""

    VOID: ClassVar[set[str]] = {"img", "meta", "link", "input", "br", "hr", "source", "path"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()


def test_pages_are_well_formed(world5: World) -> None:
    p = world5.players["p1"]
    slot, play = world5.recent_with_slots(p)[0]
    documents = {
        "record": sim_pages.record_page(BASE, world5, p),
        "detail": sim_pages.detail_page(BASE, play, slot),
        "scores": sim_pages.scores_page(BASE, world5, p, 3),
        "home": sim_pages.home_page(BASE, p),
        "playerData": sim_pages.player_data_page(BASE, world5, p),
        "photo": sim_pages.photos_page(BASE, p),
        "friendCode": sim_pages.friend_code_page(BASE, p),
        "error": sim_pages.error_page(BASE, "200002"),
        "maintenance": sim_pages.maintenance_page(BASE),
        "challenge": sim_pages.challenge_page(),
    }
    for name, html in documents.items():
        checker = _Balance()
        checker.feed(html)
        checker.close()
        assert (name, checker.errors, checker.stack) == (name, [], []), name


# ---------- sessions over HTTP ----------


async def test_cookies_rotate_and_the_old_ones_are_rejected(
    sim: RunningSim, client: httpx.AsyncClient
) -> None:
    p = sim.world.add_player(plays=10)
    old = cookie_header(p)
    r1 = await client.get(sim.url("record/"), headers=old)
    assert r1.status_code == 200 and len(parse_record(r1.text)) == 10
    new = rotated(r1)
    assert new != old
    stale = await client.get(sim.url("record/"), headers=old)
    assert stale.status_code == 302 and stale.headers["location"] == sim.url("error/")
    assert "set-cookie" not in stale.headers
    err = await client.get(stale.headers["location"])
    with pytest.raises(SessionExpired):
        check_status(err.text)
    # the stale try did not kill the session: the newest cookies still work
    r2 = await client.get(sim.url("home/"), headers=new)
    assert r2.status_code == 200 and parse_profile(r2.text).name == p.name
    assert [e.session for e in sim.world.log if e.page == "record/"] == ["ok", "stale"]


async def test_missing_cookies_redirect_to_error(
    sim: RunningSim, client: httpx.AsyncClient
) -> None:
    r = await client.get(sim.url("record/"))
    assert r.status_code == 302 and r.headers["location"].endswith("/maimai-mobile/error/")


async def test_session_expires_after_ttl(client: httpx.AsyncClient) -> None:
    now = [1000.0]
    world = World(session_ttl=60, clock=lambda: now[0])
    async with run_simsite(world) as sim:
        p = world.add_player(plays=3)
        r = await client.get(sim.url("home/"), headers=cookie_header(p))
        assert r.status_code == 200
        now[0] += 61
        r2 = await client.get(sim.url("home/"), headers=rotated(r))
        assert r2.status_code == 302 and r2.headers["location"] == sim.url("error/")
        assert world.log[-1].session == "expired"


async def test_wechat_callback_logs_in_once(sim: RunningSim, client: httpx.AsyncClient) -> None:
    p = sim.world.add_player(plays=5)
    old = cookie_header(p)
    admin = await client.post(sim.root + f"/_sim/players/{p.id}/login_url")
    url = admin.json()["url"]
    assert "/wc_auth/oauth/callback/maimai-dx?r=" in url and "&code=" in url and "&state=" in url
    r = await client.get(url)
    assert r.status_code == 302 and r.headers["location"] == sim.url("home/")
    home = await client.get(r.headers["location"], headers=rotated(r))
    assert home.status_code == 200 and parse_profile(home.text).name == p.name
    # the login replaced the old session; the code is single-use
    assert (await client.get(sim.url("home/"), headers=old)).status_code == 302
    again = await client.get(url)
    assert again.status_code == 200 and "错误码：100001" in again.text


async def test_waf_switch_requires_the_browser_cookies(
    sim: RunningSim, client: httpx.AsyncClient
) -> None:
    p = sim.world.add_player(plays=3)
    await client.post(
        sim.root + "/_sim/config", json={"waf_required": True, "require_wechat_ua": True}
    )
    r = await client.get(sim.url("home/"), headers=cookie_header(p))
    with pytest.raises(ChallengePage):
        check_status(r.text)
    waf = "; __tst_status=1#; EO_Bot_Ssid=abc"
    h = cookie_header(p)
    r2 = await client.get(sim.url("home/"), headers={"Cookie": h["Cookie"] + waf})
    assert "安全验证" in r2.text  # right cookies, wrong user agent
    r3 = await client.get(
        sim.url("home/"), headers={"Cookie": h["Cookie"] + waf, "User-Agent": WECHAT_UA}
    )
    assert r3.status_code == 200 and parse_profile(r3.text).name == p.name


# ---------- fault switches ----------


async def test_http_567_does_not_rotate_the_session(
    sim: RunningSim, client: httpx.AsyncClient
) -> None:
    p = sim.world.add_player(plays=3)
    sim.world.add_fault("http567", player=p.id, times=1)
    h = cookie_header(p)
    r = await client.get(sim.url("record/"), headers=h)
    assert r.status_code == 567 and "set-cookie" not in r.headers
    assert (await client.get(sim.url("record/"), headers=h)).status_code == 200  # fired once


async def test_slow_and_hang_make_a_client_time_out(sim: RunningSim) -> None:
    p = sim.world.add_player(plays=3)
    sim.world.add_fault("slow", player=p.id, times=1, delay_ms=5000)
    async with httpx.AsyncClient(timeout=0.3) as quick:
        with pytest.raises(httpx.ReadTimeout):
            await quick.get(sim.url("home/"), headers=cookie_header(p))
        sim.world.add_fault("hang", player=p.id, times=1)
        with pytest.raises(httpx.ReadTimeout):
            await quick.get(sim.url("home/"), headers=cookie_header(p))
    assert [e.fault for e in sim.world.log[-2:]] == ["slow", "hang"]


async def test_a_client_gone_during_a_slow_fault_keeps_its_session(
    sim: RunningSim, client: httpx.AsyncClient
) -> None:
    p = sim.world.add_player(plays=3)
    sim.world.add_fault("slow", player=p.id, times=1, delay_ms=400)
    h = cookie_header(p)
    async with httpx.AsyncClient(timeout=0.1) as quick:
        with pytest.raises(httpx.ReadTimeout):
            await quick.get(sim.url("home/"), headers=h)
    for _ in range(100):  # the simulator notices the hang-up once the delay is over
        if sim.world.log[-1].status:
            break
        await asyncio.sleep(0.02)
    assert sim.world.log[-1].status == 499
    assert (await client.get(sim.url("home/"), headers=h)).status_code == 200  # not rotated


async def test_truncated_html_is_cut_but_still_rotates(
    sim: RunningSim, client: httpx.AsyncClient
) -> None:
    p = sim.world.add_player(plays=50)
    full = await client.get(sim.url("record/"), headers=cookie_header(p))
    sim.world.add_fault("truncate", player=p.id, path="record/", fraction=0.4)
    cut = await client.get(sim.url("record/"), headers=rotated(full))
    assert cut.status_code == 200 and "</html>" not in cut.text
    assert len(cut.content) < 0.5 * len(full.content)
    try:
        assert len(parse_record(cut.text)) < 50
    except PageChanged:
        pass  # the cut fell inside a play: what the client must treat as a changed page
    assert (await client.get(sim.url("home/"), headers=rotated(cut))).status_code == 200


async def test_missing_and_oversize_faults(sim: RunningSim, client: httpx.AsyncClient) -> None:
    p = sim.world.add_player(plays=3)
    sim.world.add_fault("missing", player=p.id, path="playerData/photo/", times=1)
    gone = await client.get(sim.url("playerData/photo/"), headers=cookie_header(p))
    assert gone.status_code == 404 and "set-cookie" not in gone.headers
    sim.world.add_fault("oversize", player=p.id, path="playerData/photo/", times=1, mb=1)
    big = await client.get(sim.url("playerData/photo/"), headers=cookie_header(p))
    assert (
        big.status_code == 200
        and len(big.content) > 1024 * 1024
        and big.text.rstrip().endswith("</html>")
    )


async def test_waf_and_maintenance_faults_serve_their_pages(
    sim: RunningSim, client: httpx.AsyncClient
) -> None:
    p = sim.world.add_player(plays=3)
    h = cookie_header(p)
    sim.world.add_fault("waf", times=1)
    with pytest.raises(ChallengePage):
        check_status((await client.get(sim.url("record/"), headers=h)).text)
    sim.world.add_fault("maintenance", times=1)
    with pytest.raises(Maintenance):
        check_status((await client.get(sim.url("record/"), headers=h)).text)
    assert (await client.get(sim.url("record/"), headers=h)).status_code == 200  # session untouched


async def test_error_after_k_requests_kills_the_session(
    sim: RunningSim, client: httpx.AsyncClient
) -> None:
    p = sim.world.add_player(plays=10)
    other = sim.world.add_player(plays=10)
    sim.world.add_fault("error", player=p.id, after=2, times=1)
    h = cookie_header(p)
    for _ in range(2):
        r = await client.get(sim.url("record/"), headers=h)
        assert r.status_code == 200
        h = rotated(r)
    r = await client.get(
        sim.url("record/playlogDetail/"), params={"idx": parse_record(r.text)[0].idx}, headers=h
    )
    assert r.status_code == 302 and r.headers["location"] == sim.url("error/")
    assert (await client.get(sim.url("home/"), headers=h)).status_code == 302  # session gone
    assert (await client.get(sim.url("home/"), headers=cookie_header(other))).status_code == 200


async def test_layout_fault_renames_classes_so_parsers_notice(
    sim: RunningSim, client: httpx.AsyncClient
) -> None:
    p = sim.world.add_player(plays=5)
    sim.world.add_fault("layout", player=p.id, path="record/")
    r = await client.get(sim.url("record/"), headers=cookie_header(p))
    with pytest.raises(PageChanged):
        parse_record(r.text)
    home = await client.get(sim.url("home/"), headers=rotated(r))
    assert parse_profile(home.text).name == p.name  # path-scoped: home/ unchanged


async def test_unknown_fault_kind_is_refused(sim: RunningSim, client: httpx.AsyncClient) -> None:
    r = await client.post(sim.root + "/_sim/faults", json={"kind": "meteor"})
    assert r.status_code == 400


# ---------- pages over HTTP, admin API, request log ----------


async def test_a_sync_walk_reads_what_the_world_holds(
    sim: RunningSim, client: httpx.AsyncClient
) -> None:
    p = sim.world.add_player(plays=12)
    h = cookie_header(p)
    r = await client.get(sim.url("record/"), headers=h)
    plays = parse_record(r.text)
    for play in plays[:3]:
        h = rotated(r)
        r = await client.get(sim.url("record/playlogDetail/"), params={"idx": play.idx}, headers=h)
        assert parse_detail(r.text, play.idx).play == play
    h = rotated(r)
    r = await client.get(
        sim.url("record/musicGenre/search/"), params={"genre": 99, "diff": 3}, headers=h
    )
    assert {s.title for s in parse_scores(r.text) if s.achievement is not None} == {
        b.chart.title for b in sim.world.scores(p, 3)
    }
    h = rotated(r)
    r = await client.get(sim.url("playerData/photo/"), headers=h)
    photos = parse_photos(r.text)
    if photos:
        img = await client.get(photos[0].url)
        assert img.headers["content-type"] == "image/png" and img.content.startswith(b"\x89PNG")
    pages_seen = [
        e.page for e in sim.world.log if e.player == p.id and not e.page.startswith("img/")
    ]
    assert pages_seen == ["record/"] + ["record/playlogDetail/"] * 3 + [
        "record/musicGenre/search/",
        "playerData/photo/",
    ]
    assert all(e.bytes > 0 and e.status == 200 for e in sim.world.log if e.page in pages_seen)
    counters = (await client.get(sim.root + "/_sim/counters")).json()
    assert counters["by_player"][p.id]["record/playlogDetail/"] == 3


async def test_detail_of_an_overwritten_play_goes_back_to_the_list(
    sim: RunningSim, client: httpx.AsyncClient
) -> None:
    p = sim.world.add_player(plays=50)
    gone = f"0,{p.history[0].unix}"
    sim.world.play(p, 1)  # play 50 overwrites slot 0
    r = await client.get(
        sim.url("record/playlogDetail/"), params={"idx": gone}, headers=cookie_header(p)
    )
    assert r.status_code == 302 and r.headers["location"] == sim.url("record/")


async def test_admin_creates_players_and_adds_plays(
    sim: RunningSim, client: httpx.AsyncClient
) -> None:
    created = (await client.post(sim.root + "/_sim/players", json={"plays": 48})).json()
    assert created["plays"] == 48 and created["cookies"]["userId"] and created["cookie_header"]
    before = created["recent_idx"]
    added = (
        await client.post(sim.root + f"/_sim/players/{created['id']}/plays", json={"n": 4})
    ).json()
    assert [a["idx"].split(",")[0] for a in added] == ["48", "49", "0", "1"]
    after = (await client.get(sim.root + f"/_sim/players/{created['id']}")).json()["recent_idx"]
    assert after[:4] == [a["idx"] for a in reversed(added)] and after[4:] == before[:46]
    h = {"Cookie": created["cookie_header"]}
    r = await client.get(sim.url("record/"), headers=h)
    assert [x.idx for x in parse_record(r.text)] == after
    log = (await client.get(sim.root + "/_sim/log", params={"player": created["id"]})).json()
    assert [(e["page"], e["status"]) for e in log] == [("record/", 200)]


def test_music_data_matches_the_chart_list() -> None:
    songs = {s["id"]: s for s in music_data_json()}
    for c in CHARTS:
        song = songs[str(c.song_id)]
        i = 0 if c.type is ChartType.UTAGE else c.difficulty.index
        assert song["title"] == c.title and song["ds"][i] == c.ds and song["level"][i] == c.level
        assert sum(song["charts"][i]["notes"]) == c.total_notes


def test_the_song_data_lags_like_the_real_one_until_it_learns() -> None:
    world = World()
    lagging = {str(i) for i in LAGGING_IDS}
    now = {s["id"] for s in music_data_json(world.songdb_missing, world.songdb_titles)}
    assert lagging and not lagging & now
    assert any(len(c.title) > 100 for c in CHARTS if str(c.song_id) in lagging)
    learned = {s["id"] for s in music_data_json((), {11905: "Renamed"})}
    assert lagging <= learned
    assert (
        next(s for s in music_data_json((), {11905: "Renamed"}) if s["id"] == "11905")["title"]
        == "Renamed"
    )


@pytest.mark.e2e
def test_cli_runs_the_simulator_as_a_process() -> None:
    with SimProcess("--players", "2", "--plays", "55") as proc, proc.admin() as admin:
        players = admin.get("/players").json()
        assert [p["plays"] for p in players] == [55, 55]
        r = httpx.get(proc.base_url + "record/", headers={"Cookie": players[0]["cookie_header"]})
        assert len(parse_record(r.text)) == 50


# ---------- the real MaimaiClient against the simulator ----------


async def _no_sleep(_: float) -> None:
    return None


def _client(sim: RunningSim, player: Player, **kw: object) -> MaimaiClient:
    assert player.session is not None
    jar = {"userId": player.session.user_id, "_t": player.session.t}
    opts: dict[str, object] = {"request_interval": 0, "sleep": _no_sleep, "timeout": 5.0}
    opts.update(kw)
    return MaimaiClient(sim.base_url, jar, **opts)  # type: ignore[arg-type]


async def test_client_reads_everything_and_keeps_the_rotating_session(sim: RunningSim) -> None:
    p = sim.world.add_player(plays=60)
    saved: list[dict[str, str]] = []

    async def on_cookies(jar: dict[str, str]) -> None:
        saved.append(jar)

    async with _client(sim, p, on_cookies=on_cookies) as c:
        plays = await c.record()
        assert plays == [play.as_parsed(slot) for slot, play in sim.world.recent_with_slots(p)]
        for play in plays[:5]:
            assert (await c.play_detail(play.idx)).play == play
        assert (await c.home()).rating == p.rating
        assert len(await c.photos()) == len(p.album())
    assert len(saved) == 8  # one new jar after every response
    assert p.session is not None and saved[-1]["userId"] == p.session.user_id
    assert {e.session for e in sim.world.log} == {"ok"} and p.max_in_flight == 1


@pytest.mark.parametrize(
    ("kind", "params", "error"),
    [
        ("http567", {}, RateLimited),
        ("error", {}, SessionExpired),
        ("maintenance", {}, Maintenance),
        ("waf", {}, ChallengePage),
        ("layout", {}, PageChanged),
        ("hang", {"seconds": 30}, NetworkError),
    ],
)
async def test_client_turns_each_fault_into_its_typed_error(
    sim: RunningSim, kind: str, params: dict[str, Any], error: type[Exception]
) -> None:
    p = sim.world.add_player(plays=10)
    sim.world.add_fault(kind, player=p.id, **params)
    async with _client(sim, p, timeout=0.3, retries=1) as c:
        with pytest.raises(error):
            await c.record()


async def test_client_retries_through_a_short_567(sim: RunningSim) -> None:
    p = sim.world.add_player(plays=10)
    sim.world.add_fault("http567", player=p.id, times=2)
    async with _client(sim, p, retries=3) as c:
        assert len(await c.record()) == 10
    assert [e.status for e in sim.world.log if e.player == p.id] == [567, 567, 200]


async def test_client_never_reads_a_truncated_detail_as_complete(sim: RunningSim) -> None:
    p = sim.world.add_player(plays=10)
    async with _client(sim, p) as c:
        idx = (await c.record())[0].idx
        sim.world.add_fault("truncate", player=p.id, path="record/playlogDetail/", fraction=0.6)
        with pytest.raises((PageChanged, NetworkError)):
            await c.play_detail(idx)
