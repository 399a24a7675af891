# Issue 12 renames, for code written against the old names (lead: apply with
#   sed -E -i -f docs/renames-issue-12.sed <files>; ruff check --fix <files>; then delete this file).
# Module moves (dotted and path forms)
s/plugins\.maimai_archive\.core\.songs\.cli\b/plugins.maimai_archive.cli.songs/g
s/plugins\.maimai_archive\.core\.archive\.cli\b/plugins.maimai_archive.cli.archive/g
s/plugins\.maimai_archive\.core\.records\b/plugins.maimai_archive.core.parsed/g
s/plugins\.maimai_archive\.core\.render\.views\b/plugins.maimai_archive.core.render.view_models/g
s/plugins\.maimai_archive\.core\.render\.rating\b/plugins.maimai_archive.core.render.raise_list/g
s/plugins\.maimai_archive\.core\.render\.records\b/plugins.maimai_archive.core.render.records_table/g
s/plugins\.maimai_archive\.chat\.views\b/plugins.maimai_archive.chat.archive_images/g
s/plugins\.maimai_archive\.chat\.rating\b/plugins.maimai_archive.chat.score_tools/g
s#core/records\.py#core/parsed.py#g
s#render/views\.py#render/view_models.py#g
# Relative imports inside the package
s/^(\s*)from \.records import/\1from .parsed import/
s/^(\s*)from \.\.records import/\1from ..parsed import/
s/from \.\.render\.views import/from ..render.view_models import/g
s/from \.\.core\.render\.views import/from ..core.render.view_models import/g
s/from \.\.render\.rating import/from ..render.raise_list import/g
s/from \.\.core\.render\.rating import/from ..core.render.raise_list import/g
s/from \.\.core\.songs\.cli import/from ..cli.songs import/g
s/from \.\.core\.archive\.cli import/from ..cli.archive import/g
# (in core/render/ only:)  s/^from \.views import/from .view_models import/
# (in chat/ only:)         s/^from \.views import/from .archive_images import/ ; s/^from \.rating import/from .score_tools import/
# Module objects imported by name
s/from plugins\.maimai_archive\.chat import views\b/from plugins.maimai_archive.chat import archive_images as views/g
s/from plugins\.maimai_archive\.chat import rating\b/from plugins.maimai_archive.chat import score_tools as rating/g
s/(render import [a-z0-9_, ]*)\brecords\b/\1records_table/g
s/\brecords\.(records_figure|PAGE_SIZE)\b/records_table.\1/g
# tests/core is a package now
s/^from (test_\w+_support) import/from tests.core.\1 import/
s/^(\s*)from plugins\.maimai_archive\.core\.archive import queries$/\1from plugins.maimai_archive.core.archive import chart_queries, queries/
# Classes and functions (afterwards: ruff check --fix sorts imports and drops unused ones)
# by hand, in files that import B50Entry from render.views/view_models (core.rating.B50Entry keeps its name):
#   s/\bB50Entry\b/B50Tile/g
s/queries\.(find_played_chart|chart_history_view)\b/chart_queries.\1/g
s/\bqueries\._same_chart\b/queries.same_chart/g
s/from plugins\.maimai_archive\.core\.app import get_app/from plugins.maimai_archive.chat.common import app as get_app/g
s/\bset_app\(/use_app(/g
s/Catalogue\.load_from_db\(\)/store.load_catalogue()/g
s/\bcatalogue\.refresh\(/store.refresh_songs(catalogue, /g
s/\bcatalogue\.refresh_aliases\(/store.refresh_aliases(catalogue, /g
s/\bcatalogue\.reload_aliases\(\)/store.reload_aliases(catalogue)/g
# sync (for the sync package): errors.BindingChanged, game.FC_ORDER / FS_ORDER / better_lamp
s/^class BindingChanged\(MaimaiError\):/# BindingChanged: from ..errors import BindingChanged/
