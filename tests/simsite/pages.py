"""SYNTHETIC pages in the markup of the CN maimai-mobile site (1.50), written for the simulator.

The structure (class names, icon file names, the ``idx`` forms) follows the real pages studied
in ../shared/real_html, so a parser written for the real site reads these. The
``playlogDetail``, album, maintenance and WAF challenge pages have no public real copy: their
markup follows DOMAIN.md §3 and is our own guess.
"""

from __future__ import annotations

from html import escape

from plugins.maimai_archive.core.game import FC, FS, ChartType, Difficulty, Rank, rank_for

from .charts import GENRES, Chart, charts_of_diff
from .world import Best, Photo, Play, Player, World, dx_stars

VER = "?ver=1.50"
_DIFF_FILE = {d: d.value for d in Difficulty}
_RANK_PLAYLOG = {r: r.value.replace("p", "plus") for r in Rank}  # sssp → sssplus
_FC_PLAYLOG = {FC.FC: "fc", FC.FCP: "fcplus", FC.AP: "ap", FC.APP: "applus"}
_FS_PLAYLOG = {FS.SYNC: "sync", FS.FS: "fs", FS.FSP: "fsplus", FS.FSD: "fsd", FS.FSDP: "fsdplus"}
_FS_MUSIC_ICON = {FS.SYNC: "sync", FS.FS: "fs", FS.FSP: "fsp", FS.FSD: "fdx", FS.FSDP: "fdxp"}
_PLACES = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}
_RATING_BASES = [
    (15000, "rainbow"), (14500, "platinum"), (14000, "gold"), (13000, "silver"),
    (12000, "bronze"), (10000, "purple"), (7000, "red"), (4000, "orange"),
    (2000, "green"), (1000, "blue"), (0, "normal"),
]  # fmt: skip


def _h(text: str) -> str:
    return escape(text, quote=True)


def _num(n: int) -> str:
    return f"{n:,}"


def _ach_html(achievement: int) -> str:
    """98.6484% as the record page writes it: 98<span class="f_20">.6484%</span>."""
    return f'{achievement // 10000}<span class="f_20">.{achievement % 10000:04d}%</span>'


def _rating_base(rating: int) -> str:
    return next(name for bound, name in _RATING_BASES if rating >= bound)


def document(base: str, title: str, body: str, *, menu: bool = True) -> str:
    """The frame every page shares: head, top menu, body, footer."""
    head_menu = ""
    if menu:
        links = "".join(
            f'\t\t<a href="{base}{path}" class="d_ib col4 p_4"><img src="{base}img/menu_{name}.png{VER}" class="w_112"/></a>\n'
            for path, name in (
                ("home/", "home"), ("playerData/", "playerdata"), ("friend/", "friend"),
                ("shop/", "shop"), ("record/", "record"), ("map/", "map"), ("collection/", "collection"),
            )
        )  # fmt: skip
        head_menu = f'\t<div class="menu">\n{links}\t</div>\n'
    return f"""<!DOCTYPE html>
<html lang="zh">
<head>
	<meta charset="UTF-8" />
	<meta name="viewport" content="width=device-width,initial-scale=1.0,user-scalable=yes" />
	<meta name="robots" content="INDEX, FOLLOW" />
	<meta name="keywords" content="舞萌DX,maimai DX,maimai deluxe,sega" />
	<!-- SYNTHETIC page served by the maimai-mobile simulator (tests/simsite) -->
	<title>{_h(title)}</title>
	<link rel="stylesheet" href="{base}css/common.css{VER}" />
	<link rel="stylesheet" href="{base}css/unique.css{VER}" />
</head>
<body oncontextmenu="return false;">
	<div class="wrapper t_c">
		<a href="{base}home/"><img src="{base}img/logo.png" class="logo p_5"/></a>
	</div>
	<div class="wrapper main_wrapper t_c">
		<header class="f_0">
{head_menu}		</header>
{body}
		<footer class="f_0">
			<div class="footer_marquee"><div class="footer w_480">
				<div class="f_15 p_5">© SEGA</div>
			</div></div>
		</footer>
	</div>
	<script src="{base}js/jquery-3.3.1.min.js"></script>
</body>
</html>
"""


# ---------- record/ ----------


def _play_block(base: str, play: Play, slot: int, *, detail: bool) -> str:
    """One play, in the record list's markup (also the head of playlogDetail)."""
    c = play.chart
    diff = _DIFF_FILE[c.difficulty]
    utage_badge = kind_icon = ""
    if c.type is ChartType.UTAGE:
        utage_badge = f"""
			<div class="playlog_music_kind_icon_utage f_l p_a d_f">
				<div class="p_r t_c">
				<img src="{base}img/music_utage.png" class="h_25"/>
				<div class="white playlog_music_kind_icon_utage_text t_c f_12">{_h(c.utage_kind or "")}</div>
				</div>
			</div>"""
    else:
        kind = "music_dx" if c.type is ChartType.DX else "music_standard"
        kind_icon = f'<img src="{base}img/{kind}.png" class="playlog_music_kind_icon"/>'
    clear = (
        f'<img src="{base}img/playlog/clear.png" class="w_80 f_r"/>'
        if play.achievement >= 800_000
        else ""
    )
    new_rec = (
        f'<img src="{base}img/playlog/newrecord.png" class="playlog_achievement_newrecord"/>'
        if play.new_record
        else ""
    )
    stars = play.dx_stars
    dx_new = (
        f'<img src="{base}img/playlog/newrecord.png" class="playlog_deluxscore_newrecord"/>'
        if play.new_dx_record
        else ""
    )
    star_img = (
        f'<img src="{base}img/playlog/dxstar_{stars}.png" class="playlog_deluxscore_star"/>'
        if stars
        else ""
    )
    fc = _FC_PLAYLOG.get(play.fc, "fc_dummy") if play.fc else "fc_dummy"
    fs = _FS_PLAYLOG[play.fs] if play.fs else "sync_dummy"
    matching = (
        f'<img src="{base}img/playlog/{_PLACES[play.place]}.png" class="playlog_matching_icon f_r"/>'
        if play.place
        else ""
    )
    form = (
        f"""
					<form action="{base}record/playlogDetail/" method="get" accept-charset="utf-8" class="m_t_5 t_r">
						<input type="hidden" name="idx" value="{slot},{play.unix}" />
						<button type="submit" class="f_0"><img src="{base}img/btn_detail.png" class="w_84" /></button>
					</form>"""
        if detail
        else ""
    )
    star_cls = " playlog_score_block_star" if stars else ""
    return f"""	<div class="p_10 t_l f_0 v_b">
		<div class="playlog_top_container p_r">
			<img src="{base}img/diff_{diff}.png" class="playlog_diff v_b"/>{utage_badge}
			<div class="sub_title t_c f_r f_11">
				<span class="red f_b v_b">曲目 {play.track:02d}</span>　<span class="v_b">{play.played_at:%Y/%m/%d %H:%M}</span>
			</div>
			<div class="clearfix"></div>
		</div>
		<div class="playlog_{diff}_container">
			<div class="basic_block m_5 p_5 p_l_10 f_13 break">{clear}{_h(c.title)}</div>
			<div class="p_r f_0">
				<img loading="lazy" src="{base}img/Music/{c.jacket}.png" class="music_img m_5 m_r_0 f_l"/>
				{kind_icon}
				<div class="playlog_result_block m_t_5 f_l">
					<div class="playlog_achievement_label_block">
						<img src="{base}img/playlog/achievement.png" />
					</div>
					{new_rec}
					<div class="playlog_achievement_txt t_r">{_ach_html(play.achievement)}</div>
					<img src="{base}img/playlog/{_RANK_PLAYLOG[play.rank]}.png{VER}" class="playlog_scorerank"/>
					<img src="{base}img/line_02.png" class="playlog_scoreline f_r" />
					<div class="playlog_result_innerblock basic_block p_5 f_13">
						<div class="playlog_score_block{star_cls} f_0">
							<img src="{base}img/playlog/deluxscore.png" class="w_80"/>
							{dx_new}
							<div class="white p_r_5 f_15 f_r">{_num(play.dx_score)} / {_num(c.dx_score_max)}</div>
							{star_img}
						</div>
						<img src="{base}img/playlog/{fc}.png{VER}" class="h_35 m_5 f_l"/>
						<img src="{base}img/playlog/{fs}.png{VER}" class="h_35 m_5 f_l"/>
						{matching}
						<div class="clearfix"></div>
					</div>{form}
					<div class="clearfix"></div>
				</div>
			</div>
			<div class="clearfix"></div>
		</div>
	</div>
"""


def record_page(base: str, world: World, player: Player) -> str:
    blocks = "".join(
        _play_block(base, p, s, detail=True) for s, p in world.recent_with_slots(player)
    )
    body = f"""<div class="m_t_5 m_b_10 t_l f_0">
	<a href="{base}record/" class="p_r d_ib"><img src="{base}img/menu_sub_record_playlog.png{VER}" class="w_120"/><img src="{base}img/icon_on.png" class="submenu_selected" /></a>
	<a href="{base}record/musicGenre/" class="p_r d_ib"><img src="{base}img/menu_sub_record_music.png{VER}" class="w_120"/></a>
</div>
<img src="{base}img/title_playlog.png" class="title m_10"/>
{blocks}"""
    return document(base, "舞萌DX－浏览游戏数据－", body)


# ---------- record/playlogDetail/ (no real copy: DOMAIN.md §3) ----------

_NOTE_ROWS = ("tap", "hold", "slide", "touch", "break")
_JUDGE_COLS = ("critical_perfect", "perfect", "great", "good", "miss")


def detail_page(base: str, play: Play, slot: int) -> str:
    c = play.chart
    sd = c.type is ChartType.SD
    head = "".join(
        f'<th class="t_c"><img src="{base}img/playlog/{col}.png" class="h_16"/></th>'
        for col in _JUDGE_COLS
    )
    rows = []
    for i, name in enumerate(_NOTE_ROWS):
        cells = "".join(
            f"<td>{'　' if (sd and name == 'touch') else row_val}</td>"
            for row_val in play.judgements[i]
        )
        rows.append(
            f'\t\t<tr><th><img src="{base}img/playlog/{name}.png" class="h_16"/></th>{cells}</tr>\n'
        )
    chara = "".join(
        f"""		<div class="playlog_chara_container d_ib p_r f_0">
			<img src="{base}img/Chara/{(c.song_id * 7 + k):016x}.png" class="w_68"/>
			<div class="playlog_chara_lv_block t_c f_11">Lv{10 + k * 17}</div>
		</div>
"""
        for k in range(5)
    )
    delta = play.rating_delta
    delta_txt = f"+{delta}" if delta > 0 else ("±0" if delta == 0 else str(delta))
    sync_block = ""  # a solo play has no max sync
    if play.max_sync is not None:
        sync_block = f"""	<div class="playlog_maxsync_block col2 f_l p_5 f_0">
		<img src="{base}img/playlog/maxsync.png" class="h_20 f_l"/>
		<div class="f_r f_14 white">{_num(play.max_sync)}/{_num(play.max_sync_possible or 0)}</div>
	</div>
"""
    matching = ""
    if play.matching:
        names = "".join(
            f'\t<span class="d_ib p_5 m_5 f_13">{_h(n)}</span>\n' for n in play.matching
        )
        matching = (
            f'<div id="matching" class="see_through_block m_10 p_5 t_l f_0">\n{names}</div>\n'
        )
    body = f"""<img src="{base}img/title_playlog.png" class="title m_10"/>
{_play_block(base, play, slot, detail=False)}<input type="hidden" name="idx" value="{slot},{play.unix}" />
<div class="gray_block m_10 m_t_0 p_b_5 f_0">
	<div class="playlog_chara_block p_5 t_c f_0">
{chara}	</div>
	<table class="playlog_notes_detail t_r f_l f_11 f_b">
		<tr><th></th>{head}</tr>
{"".join(rows)}	</table>
	<div class="playlog_fl_block m_5 f_r w_96 p_t_5 p_b_5 p_l_10 f_11 t_l">
		<div class="p_t_5">FAST</div><div class="p_r_10 t_r f_14 blue">{play.fast}</div>
		<div class="p_t_5">LATE</div><div class="p_r_10 t_r f_14 red">{play.late}</div>
	</div>
	<div class="clearfix"></div>
	<div class="playlog_rating_block p_5 t_l f_0">
		<img src="{base}img/rating_base_{_rating_base(play.rating_after)}.png{VER}" class="h_30 f_l"/>
		<div class="playlog_rating_val_block f_l">{_num(play.rating_after)}</div><span class="f_11 gray p_l_5">({delta_txt})</span>
	</div>
	<div class="clearfix"></div>
	<div class="playlog_maxcombo_block col2 f_l p_5 f_0">
		<img src="{base}img/playlog/maxcombo.png" class="h_20 f_l"/>
		<div class="f_r f_14 white">{_num(play.max_combo)}/{_num(c.total_notes)}</div>
	</div>
{sync_block}	<div class="clearfix"></div>
</div>
{matching}<div id="vsUser"></div>
"""
    return document(base, "舞萌DX－浏览游戏数据－", body)


# ---------- record/musicGenre/search/ ----------


def _score_block(base: str, chart: Chart, best: Best | None) -> str:
    diff = _DIFF_FILE[chart.difficulty]
    score = ""
    if best is not None:
        fs = _FS_MUSIC_ICON[best.fs] if best.fs else "back"
        fc = best.fc.value if best.fc else "back"
        score = f"""
				<div class="music_score_block w_112 t_r f_l f_12">{best.achievement // 10000}.{best.achievement % 10000:04d}%</div>
				<div class="music_score_block w_190 t_r f_l f_12">
					<img src="{base}img/deluxscore.png" class="v_b f_l"/>
					{_num(best.dx_score)} / {_num(chart.dx_score_max)}
				</div>
				<img src="{base}img/music_icon_{fs}.png{VER}" class="h_30 f_r"/>
				<img src="{base}img/music_icon_{fc}.png{VER}" class="h_30 f_r"/>
				<img src="{base}img/music_icon_{rank_for(best.achievement).value}.png{VER}" class="h_30 f_r"/>
				<div class="clearfix"></div>"""
    if chart.type is ChartType.UTAGE:
        kind = f'<img src="{base}img/music_utage.png" class="music_kind_icon"/>'
    elif chart.type is ChartType.DX:
        kind = f'<img src="{base}img/music_dx.png" class="music_kind_icon "/>'
    else:
        kind = f'<img src="{base}img/music_standard.png" class="music_kind_icon"/>'
    music_idx = f"{chart.song_id:08x}{chart.diff_index:02x}"
    return f"""	<div class="w_450 m_15 p_r f_0" >
		<div class="music_{diff}_score_back pointer p_3">
			<form action="{base}record/musicDetail/" method="get" accept-charset="utf-8">
				<img src="{base}img/diff_{diff}.png" class="h_20 f_l">
				<div class="clearfix"></div>
				<div class="music_lv_block f_r t_c f_14">{_h(chart.level)}</div>
				<div class="music_name_block t_l f_13 break">{_h(chart.title)}</div>{score}
				<input type="hidden" name="idx" value="{music_idx}" />
			</form>
		</div>
		{kind}
	</div>
"""


def scores_page(base: str, world: World, player: Player, diff: int) -> str:
    charts = charts_of_diff(diff)
    bests = {b.chart.key: b for b in world.scores(player, diff)}
    parts = []
    for genre in GENRES:
        in_genre = [c for c in charts if c.genre == genre]
        if not in_genre:
            continue
        parts.append(
            f'\t<p class="scroll_point"></p>\n\t<div class="screw_block m_15 f_15 p_s">{_h(genre)}</div>\n'
        )
        parts.extend(_score_block(base, c, bests.get(c.key)) for c in in_genre)
    body = f"""<div class="m_15"><img src="{base}img/title_music.png" class="title"/></div>
<div class="see_through_block m_5 m_t_10">
	<table class="music_scorelist_table table_f collapse f_0"><tr><td class="t_c"></td></tr></table>
</div>
{"".join(parts)}"""
    return document(base, "舞萌DX－乐曲成绩－", body)


# ---------- home/, playerData/, friend/userFriendCode/ ----------


def _profile_block(
    base: str, player: Player, *, outer: str, comment_cls: str | None, inner: str = ""
) -> str:
    comment = (
        f'\t<div class="{comment_cls} break f_l f_12">{_h(player.comment)}</div>\n'
        if comment_cls
        else ""
    )
    return f"""<div class="{outer}">
	<div class="basic_block p_10 f_0">
		<img loading="lazy" src="{base}img/Icon/{player.icon}.png" class="w_112 f_l"/>
		<div class="p_l_10 f_l">
			<div class="trophy_block trophy_Normal p_3 t_c f_0">
				<div class="trophy_inner_block f_13"><span>{_h(player.trophy)}</span></div>
			</div>
			<div class="m_b_5">
				<div class="name_block f_l f_16">{_h(player.name)}</div>
				<div class="f_r t_r f_0">
					<div class="p_r p_3">
						<img src="{base}img/rating_base_{_rating_base(player.rating)}.png{VER}" class="h_30 f_r"/>
						<div class="rating_block">{player.rating}</div>
					</div>
				</div>
				<div class="clearfix"></div>
			</div>
			<img src="{base}img/line_01.png" class="user_data_block_line" />
			<div class="clearfix"></div>
			<img src="{base}img/course/course_rank_00T7GHJvGe.png" class="h_35 f_l"/>
			<img src="{base}img/class/class_rank_s_00ZqZmdpb8.png" class="p_l_10 h_35 f_l">
			<div class="p_l_10 f_l f_14"><img src="{base}img/icon_star.png" class="h_30 m_3 v_m"/>×{player.stars}</div>
		</div>
		<div class="clearfix"></div>
	</div>
{comment}	<div class="clearfix"></div>
{inner}</div>
"""


def home_page(base: str, player: Player) -> str:
    body = (
        _profile_block(
            base,
            player,
            outer="see_through_block m_15 m_t_10 p_10 p_r t_l f_0",
            comment_cls="comment_block",
        )
        + f"""<div class="m_15 p_10">
	<form action="{base}home/homeIndex/logout" method="get" accept-charset="utf-8" class="f_0">
		<input type="hidden" name="idx" value="0">
		<button type="submit" class="f_0"><img src="{base}img/btn_home_logout.png" class="w_80 pointer"></button>
	</form>
</div>
"""
    )
    return document(base, "舞萌DX－主页－", body)


# Tallies on playerData, in the page's order (rank column, lamp column).
_TALLY_PAIRS = (
    ("sssp", "app"), ("sss", "ap"), ("ssp", "fcp"), ("ss", "fc"), ("sp", "fdxp"),
    ("s", "fdx"), ("clear", "fsp"), ("dxstar_5", "fs"), ("dxstar_4", "sync"),
    ("dxstar_3", None), ("dxstar_2", None), ("dxstar_1", None),
)  # fmt: skip


def tallies(world: World, player: Player, diff: int) -> dict[str, int]:
    """The counts playerData shows for one difficulty (99 = all, Utage excluded)."""
    bests = [
        b for b in player.bests.values()
        if b.chart.type is not ChartType.UTAGE and (diff == 99 or b.chart.diff_index == diff)
    ]  # fmt: skip
    rank_order = [r.value for r in Rank]
    fc_order = [f.value for f in FC]
    fs_order = ["sync", "fs", "fsp", "fdx", "fdxp"]
    out: dict[str, int] = {}
    for key in [k for pair in _TALLY_PAIRS for k in pair if k]:
        n = 0
        for b in bests:
            if key == "clear":
                n += b.achievement >= 800_000
            elif key.startswith("dxstar_"):
                n += dx_stars(b.dx_score, b.chart.dx_score_max) >= int(key[-1])
            elif key in rank_order:
                n += rank_order.index(rank_for(b.achievement).value) >= rank_order.index(key)
            elif key in fc_order:
                n += b.fc is not None and fc_order.index(b.fc.value) >= fc_order.index(key)
            else:
                n += b.fs is not None and fs_order.index(_FS_MUSIC_ICON[b.fs]) >= fs_order.index(
                    key
                )
        out[key] = n
    return out


def total_charts(diff: int) -> int:
    from .charts import CHARTS

    return sum(
        c.type is not ChartType.UTAGE and (diff == 99 or c.diff_index == diff) for c in CHARTS
    )


def player_data_page(base: str, world: World, player: Player, diff: int = 99) -> str:
    counts = tallies(world, player, diff)
    total = _num(total_charts(diff))
    cells = []
    for left, right in _TALLY_PAIRS:
        for key in (left, right):
            if key is None:
                continue
            ver = "" if key.startswith("dxstar") or key == "clear" else VER
            cells.append(
                f"""	<div class="musiccount_block t_r f_l f_0">
		<div class="musiccount_img_block t_c f_l"><img src="{base}img/music_icon_{key}.png{ver}" /></div>
		<div class="musiccount_counter_block f_13">{counts[key]}/{total}</div>
	</div>
"""
            )
        cells.append('\t<div class="clearfix"></div>\n')
    n = len(player.history)
    inner = f"""	<div class="m_5 m_b_5 t_r f_12">当前版本游戏次数：{n}<br>舞萌DX累计游戏次数：{n}</div>
{"".join(cells)}"""
    body = f'<img src="{base}img/title_playerdata.png" class="title m_10"/>\n' + _profile_block(
        base,
        player,
        outer="see_through_block m_15 m_t_0 m_b_15 p_10 p_r t_l f_0",
        comment_cls=None,
        inner=inner,
    )
    return document(base, "舞萌DX－玩家数据－", body)


def friend_code_page(base: str, player: Player) -> str:
    body = f"""<img src="{base}img/title_friend_code.png" class="title m_10" />
<div class="town_block p_r m_15 m_t_0 p_10 t_l f_0">
	<img src="{base}img/icon_rand_dolly.png" class="friend_code_icon" />
	<div class="see_through_block m_t_5 m_b_5 p_5 t_c f_15">{player.friend_code}</div>
</div>
""" + _profile_block(
        base,
        player,
        outer="see_through_block m_15 m_t_0 p_10 t_l f_0 p_r",
        comment_cls="friend_comment_block",
    )
    return document(base, "舞萌DX－请确认你的好友号码－", body)


# ---------- playerData/photo/ (no real copy: our own markup) ----------


def photo_url(base: str, photo: Photo) -> str:
    return f"{base}img/photo/{photo.file}"


def photos_page(base: str, player: Player) -> str:
    blocks = "".join(
        f"""<div class="photo_block see_through_block m_10 p_5 t_l f_0">
	<div class="block_info p_3 f_11 white">{p.taken_at:%Y/%m/%d %H:%M}</div>
	<div class="black_block m_5 p_5 p_l_10 f_13 break"><img src="{base}img/diff_{_DIFF_FILE[p.chart.difficulty]}.png" class="h_16 v_m"/>{_h(p.chart.title)}</div>
	<img src="{photo_url(base, p)}" class="w_430 m_5 photo_img"/>
	<div class="photo_place t_r f_12 gray">{_h(p.place)}</div>
</div>
"""
        for p in player.album()
    )
    body = f'<img src="{base}img/title_photo.png" class="title m_10"/>\n{blocks}'
    return document(base, "舞萌DX－相册－", body)


# ---------- error, maintenance, challenge, index ----------

ERROR_MESSAGES = {
    "200002": "连接时间已过期。<br>请于稍后重新尝试。",
    "100001": "登录失败。<br>请于稍后重新尝试。",
}


def error_page(base: str, code: str) -> str:
    message = ERROR_MESSAGES.get(code, "发生了错误。")
    body = f"""<img src="{base}img/title_error.png" class="title m_10"/>
<div class="container_red p_10">
	<div class="p_5 f_14 ">错误码：{_h(code)}</div>
	<img src="{base}img/line_01.png" class="w_396" />
	<div class="p_5 f_12 gray break">{message}</div>
	<img src="{base}img/chara_01.png" class="w_84 m_15"/>
</div>
"""
    return document(base, "舞萌DX－错误－", body, menu=False)


def maintenance_page(base: str) -> str:
    body = f"""<img src="{base}img/title_maintenance.png" class="title m_10"/>
<div class="container_red p_10">
	<div class="p_5 f_14 ">系统维护中</div>
	<div class="p_5 f_12 gray break">舞萌DX 正在进行系统维护。<br>维护结束前无法使用本服务。</div>
</div>
"""
    return document(base, "舞萌DX－系统维护中－", body, menu=False)


def index_page(base: str) -> str:
    body = '<div class="p_10 f_14">请通过微信公众号「舞萌DX」登录。</div>\n'
    return document(base, "舞萌DX", body, menu=False)


def challenge_page() -> str:
    """A small JavaScript challenge in the manner of Tencent EdgeOne's bot check."""
    return """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<!-- SYNTHETIC: an EdgeOne-like JS challenge written for the maimai-mobile simulator -->
<title>安全验证</title>
<meta name="robots" content="noindex,nofollow">
</head>
<body>
<noscript>请开启浏览器的 JavaScript 后重试。</noscript>
<div id="eo-challenge" style="text-align:center;margin-top:20%">正在进行安全验证，请稍候……</div>
<script>
(function () {
  var seed = "sim-" + Date.now().toString(36);
  var h = 0;
  for (var i = 0; i < 20000; i++) { h = (h * 31 + seed.charCodeAt(i % seed.length)) | 0; }
  document.cookie = "__tst_status=" + (h >>> 0) + "#; path=/";
  document.cookie = "EO_Bot_Ssid=" + (h >>> 8) + "; path=/";
  setTimeout(function () { location.reload(); }, 300);
})();
</script>
</body>
</html>
"""


# The "changed layout" fault: class names the parsers rely on, renamed. The play block's
# outer container keeps its name (so a parser finds the plays and must notice what changed
# inside); a test can pass its own ``renames`` to rename anything else.
LAYOUT_RENAMES = {
    "playlog_achievement_txt": "playlog_achievement_text",
    "playlog_scorerank": "playlog_rank_img",
    "music_name_block": "music_title_block",
    "music_score_block": "music_result_block",
    "name_block": "player_name_block",
    "rating_block": "player_rating_block",
    "playlog_notes_detail": "playlog_judge_detail",
    "container_red": "container_error",
    "photo_block": "album_block",
}


def change_layout(html: str, renames: dict[str, str] | None = None) -> str:
    for old, new in (renames or LAYOUT_RENAMES).items():
        html = html.replace(old, new)
    return html
