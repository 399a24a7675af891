"""The core's public face: everything the chat layer (and the command line, and any other
front end) may use, named in ``__all__``. The modules behind it are the core's own business
and may move; users import from here, like httpx's ``__init__``.

    app         ArchiveApp, the core assembled (services, catalogue, renderer, trackers …)
    players     who is bound, their switches (autosync, privacy)
    queries     the read side: a player's archive as frozen view objects
    images      the renderers that draw those views (run by ``ArchiveApp.renderer``)
    games       /random, /fortune, /guess
    game facts  chart types, difficulties, achievements, ranks
    errors      the error tree (``MaimaiError`` at its root)
"""

from .app import ArchiveApp
from .archiving.binding import USAGE as BIND_USAGE
from .archiving.binding import bound_message, parse_bind_input
from .archiving.doctor import DoctorError, check_pages, format_checks
from .archiving.players import by_qq as player_by_qq
from .archiving.players import play_count, set_autosync, set_public
from .archiving.sync import Phase, SyncReport, SyncStatus
from .db.database import redact_db_url, start_database, stop_database
from .errors import BindingError, MaimaiError, RenderFailed, SessionError
from .game import ChartType, Difficulty, format_achievement, rank_for
from .games.fortune import player_fortune
from .games.guess_game import GuessGame, is_answer, jacketed_songs
from .games.guess_tally import group_rank, record_win
from .games.random_chart import FILTER_WORDS, RandomAsk, random_chart_view
from .guards import RateLimit
from .login.one_tap import LoginLink, OneTapBind
from .pages import page_to_json, parse_page
from .queries.attempts import chart_attempts_view
from .queries.charts import (
    chart_bests,
    chart_header,
    chart_history_view,
    find_played_chart,
    find_unknown_chart,
    played_songs,
    raise_view,
)
from .queries.curve import rating_curve_view
from .queries.export import export_plays
from .queries.plates import parse_plate, plate_view, valid_names
from .queries.plays import (
    SITE_TZ,
    QueryContext,
    album_view,
    b50_view,
    diff_view,
    play_detail_view,
    recent_view,
    records_view,
)
from .queries.ranking import group_ranking
from .queries.visits import visit_views
from .rating import score_line
from .redact import holds_secret, install_loguru_redaction, install_stdlib_redaction
from .render.album import album_pages, photo_figure
from .render.attempts import chart_attempts_figure
from .render.b50 import b50_figure
from .render.cards import play_detail_figure, recent_pages
from .render.chart import chart_info_figure, chart_list_figures
from .render.curve import rating_curve_figure
from .render.diff import diff_pages
from .render.fortune_card import fortune_figure
from .render.guess_clue import guess_clue_figure
from .render.history import chart_history_figure
from .render.plate import plate_pages
from .render.raise_list import raise_figure
from .render.random_card import random_card_figure
from .render.ranking import ranking_figure
from .render.records_table import records_figure
from .render.visit import visits_pages
from .songs.aliases import (
    ProposalStatus,
    approve_alias,
    pending_aliases,
    propose_alias,
    reject_alias,
)
from .songs.catalogue import RefreshResult
from .songs.data import Chart, Song
from .songs.search import Decision, Group, Verdict, decide
from .songs.store import load_catalogue, refresh_aliases, refresh_songs, reload_aliases
from .trackers.push import LinkError, LinkInfo, PushResult, TrackerService, service_of
from .views.chart_views import ChartInfoView, ChartListView
from .web.server import build_web_app
from .web.web_links import end_links, issue_link

__all__ = [
    "BIND_USAGE",
    "FILTER_WORDS",
    "SITE_TZ",
    "ArchiveApp",
    "BindingError",
    "Chart",
    "ChartInfoView",
    "ChartListView",
    "ChartType",
    "Decision",
    "Difficulty",
    "DoctorError",
    "Group",
    "GuessGame",
    "LinkError",
    "LinkInfo",
    "LoginLink",
    "MaimaiError",
    "OneTapBind",
    "Phase",
    "ProposalStatus",
    "PushResult",
    "QueryContext",
    "RandomAsk",
    "RateLimit",
    "RefreshResult",
    "RenderFailed",
    "SessionError",
    "Song",
    "SyncReport",
    "SyncStatus",
    "TrackerService",
    "Verdict",
    "album_pages",
    "album_view",
    "approve_alias",
    "b50_figure",
    "b50_view",
    "bound_message",
    "build_web_app",
    "chart_attempts_figure",
    "chart_attempts_view",
    "chart_bests",
    "chart_header",
    "chart_history_figure",
    "chart_history_view",
    "chart_info_figure",
    "chart_list_figures",
    "check_pages",
    "decide",
    "diff_pages",
    "diff_view",
    "end_links",
    "export_plays",
    "find_played_chart",
    "find_unknown_chart",
    "format_achievement",
    "format_checks",
    "fortune_figure",
    "group_rank",
    "group_ranking",
    "guess_clue_figure",
    "holds_secret",
    "install_loguru_redaction",
    "install_stdlib_redaction",
    "is_answer",
    "issue_link",
    "jacketed_songs",
    "load_catalogue",
    "page_to_json",
    "parse_bind_input",
    "parse_page",
    "parse_plate",
    "pending_aliases",
    "photo_figure",
    "plate_pages",
    "plate_view",
    "play_count",
    "play_detail_figure",
    "play_detail_view",
    "played_songs",
    "player_by_qq",
    "player_fortune",
    "propose_alias",
    "raise_figure",
    "raise_view",
    "random_card_figure",
    "random_chart_view",
    "rank_for",
    "ranking_figure",
    "rating_curve_figure",
    "rating_curve_view",
    "recent_pages",
    "recent_view",
    "record_win",
    "records_figure",
    "records_view",
    "redact_db_url",
    "refresh_aliases",
    "refresh_songs",
    "reject_alias",
    "reload_aliases",
    "score_line",
    "service_of",
    "set_autosync",
    "set_public",
    "start_database",
    "stop_database",
    "valid_names",
    "visit_views",
    "visits_pages",
]
