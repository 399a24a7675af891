"""Every failure the bot knows, as one tree.

    MaimaiError
    ├── SessionError            the player must log in again
    │   ├── SessionExpired      错误码 200002, or a redirect to the login/error page
    │   └── LoginFailed         错误码 100001
    ├── SiteUnavailable         try again later; nothing is wrong with the binding
    │   ├── Maintenance
    │   ├── RateLimited         HTTP 567
    │   └── ChallengePage       the WAF's JavaScript challenge instead of data
    ├── NetworkError            timeouts, refused connections, 5xx after retries
    ├── SiteError               an error page with a code we do not know
    ├── PageChanged             the page no longer has the structure we read
    │   ├── UnsupportedPage     a real page of the site that we have no parser for
    │   ├── TruncatedPage       the body stops before ``</html>`` (cut off in transfer)
    │   ├── PageMissing         HTTP 404 (or another 4xx) where a page should be
    │   ├── OffSite             a redirect to another host (a CDN…): that page is skipped
    │   └── TooLarge            a body or image past its cap (bytes, or pixels before decoding)
    ├── SyncStopped             the sync itself stopped (not the site)
    │   ├── BindingChanged      the binding was deleted or replaced during the sync
    │   ├── LeaseLost           another process took the account over
    │   └── SyncCrashed         a bug (an unexpected exception), wrapped so nothing escapes untyped
    ├── UnknownChart            a title the song catalogue does not know (yet)
    ├── BindingError            cookies missing/unusable before any request
    └── RenderFailed            the render process crashed or passed its time limit

Each error carries ``user_message`` (short Chinese text fit for a group chat) and
``str(err)`` (context for the log). Neither ever contains a cookie value.
"""

from __future__ import annotations


class MaimaiError(Exception):
    user_message = "出了点问题，请稍后再试。"

    def __init__(self, detail: str = "", *, user_message: str | None = None) -> None:
        super().__init__(detail or self.__class__.__name__)
        if user_message is not None:
            self.user_message = user_message


class SessionError(MaimaiError):
    user_message = "登录已失效：私聊我发送 /bind 重新登录（也可以 /bind 加上新的 Cookie）。"


class SessionExpired(SessionError):
    user_message = "登录已过期（错误码 200002）：私聊我发送 /bind 重新登录（也可以 /bind 加上新的 Cookie），存档会接着继续。"


class LoginFailed(SessionError):
    user_message = (
        "登录失败（错误码 100001）：私聊我发送 /bind 重新登录（也可以 /bind 加上新的 Cookie）。"
    )


class SiteUnavailable(MaimaiError):
    user_message = "舞萌DX网站暂时不可用，请稍后再试。"


class Maintenance(SiteUnavailable):
    user_message = "舞萌DX网站正在维护，请稍后再试，已取得的数据都已保存。"


class RateLimited(SiteUnavailable):
    user_message = "舞萌DX网站限制了访问频率，请过几分钟再试。"


class ChallengePage(SiteUnavailable):
    user_message = (
        "舞萌DX网站返回了安全验证页面，请稍后再试；多次出现请重新 /bind（带上全部 Cookie）。"
    )


class NetworkError(MaimaiError):
    user_message = "连接舞萌DX网站失败（网络问题），请稍后再试。"


class SiteError(MaimaiError):
    """An error page whose code we do not know."""

    def __init__(self, code: str | None, message: str) -> None:
        super().__init__(
            f"error page code={code} message={message}",
            user_message=f"舞萌DX网站报错：{message}" + (f"（错误码 {code}）" if code else ""),
        )
        self.code = code
        self.message = message


class PageChanged(MaimaiError):
    """The page is not shaped as we expect; names the page and what was missing.

    ``body`` is the page text when the client had it (kept as evidence for the operator,
    redacted before it is written; never part of ``str()``)."""

    user_message = "舞萌DX网站的页面格式变了，暂时无法读取；已写入日志，请告诉机器人管理员。"
    body: str | None = None

    def __init__(self, page: str, missing: str) -> None:
        super().__init__(f"{page}: {missing}")
        self.page = page
        self.missing = missing


class UnsupportedPage(PageChanged):
    """A real page of the site (friend list, friend VS, song detail…) that nothing here reads."""

    user_message = "这个页面暂时不支持读取。"


class TruncatedPage(PageChanged):
    """The response body ends before ``</html>``: never read a cut-off page as complete."""

    user_message = "舞萌DX网站的页面没有传输完整，请稍后再试。"


class PageMissing(PageChanged):
    """HTTP 404 (or another 4xx) for a page the site should have."""

    user_message = "舞萌DX网站上找不到这个页面，请稍后再试。"


class OffSite(PageChanged):
    """A redirect to another host (a photo moved to a CDN…). Not a session expiry: an optional
    page is skipped; on ``record/`` the sync fails with this error."""

    user_message = (
        "舞萌DX网站把请求转到了别的网站，暂时无法读取；请稍后再试，多次出现请告诉机器人管理员。"
    )


class SyncStopped(MaimaiError):
    """The sync stopped for a reason of its own, not the site's."""


class BindingChanged(SyncStopped):
    """The binding was deleted or replaced while a sync ran on the old session."""

    user_message = "同步期间绑定有变化（解绑或重新绑定），这次同步已停止；请重新 /sync。"


class LeaseLost(SyncStopped):
    """Another process took the account (our lease ran out): two syncs rotating one session
    would kill it."""

    user_message = "另一个同步接手了你的账号，请稍后查看结果。"


class SyncCrashed(SyncStopped):
    """An unexpected exception (a bug) inside the sync; the original is chained as the cause."""

    user_message = "同步时出了内部错误，已写入日志，请告诉机器人管理员；已取得的数据都已保存。"


class TooLarge(PageChanged):
    """Past a cap: a body over its byte limit (not read further), or an image over its pixel
    limit (checked from the header, never decoded)."""

    user_message = "舞萌DX网站返回的内容过大，已跳过；请告诉机器人管理员。"


class UnknownChart(MaimaiError):
    user_message = "曲库里还没有这首歌，曲库更新后会自动补上。"


class BindingError(MaimaiError):
    user_message = "Cookie 格式不对：需要至少包含 userId 和 _t。"


class RenderFailed(MaimaiError):
    """The render process died or a render passed its time limit; the process was restarted."""

    user_message = "图片生成失败，请稍后再试。"
