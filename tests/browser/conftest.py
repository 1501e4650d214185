"""Browser tests: Playwright (from pip) driving the system's Chromium against ``live_server``.

Never ``playwright install``: the browser is Debian's ``chromium`` (``make test`` installs it
when it is missing); without it they are skipped, except in CI, where they fail. Screenshots,
to look at, are taken by ``make screens`` (``SCREENSHOTS=1``) into ``test-artifacts/screens/``
(git-ignored); a few are kept in ``docs/screens/`` for the README.
"""

import os
import re
import shutil
from importlib.metadata import version
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Chromium honours only the last --disable-features, and Playwright passes its own first: this
# one repeats the features Playwright 1.63 turns off (requirements.txt pins it) and adds the
# address bar's popups, two renderers a window that no headless page shows (a fifth of
# Chromium's time). Under another Playwright the popups stay on rather than its list being lost.
PLAYWRIGHT = "1.63.0"
PLAYWRIGHT_DISABLES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,DialMediaRouteProvider,"
    "GlobalMediaControls,HttpsUpgrades,LensOverlay,MediaRouter,PaintHolding,"
    "ThirdPartyStoragePartitioning,BlockOriginHeaderModificationOnRedirect,Translate,"
    "AutoDeElevate,OptimizationHints,msForceBrowserSignIn,"
    "msEdgeUpdateLaunchServicesPreferredVersion"
)
UNSHOWN_POPUPS = "WebUIOmniboxPopup,WebUIOmniboxAimPopup"
SCREENS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"
PASSWORD = "browser-test-password"
ROLES = ("Support", "Managers", "Integrators")


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all the browser tests of a test process (they run first and together:
    ``tests/conftest.py``)."""
    if not os.path.exists(CHROMIUM):
        # ``make test`` installs it; in CI a missing browser is a failure, not a skip.
        (pytest.fail if os.environ.get("CI") else pytest.skip)(f"no Chromium at {CHROMIUM}")
    from playwright import sync_api

    # Playwright's sync API runs an event loop in this thread; Django's ORM (the fixtures' data)
    # then refuses to run unless told it is safe, which it is here: undone after the package.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            args = ARGS
            if version("playwright") == PLAYWRIGHT:
                args = [*ARGS, f"--disable-features={PLAYWRIGHT_DISABLES},{UNSHOWN_POPUPS}"]
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
            yield browser
            browser.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker):
    """The demo account, its roles and its data, as ``make run`` sets them up, and one user per
    role (staff, in that role's group from ``setup_roles``).

    Set up once for the browser tests and committed (the live server's own connection sees it on
    PostgreSQL), then flushed after the last of them, as ``transactional_db`` does after each
    test: the tests read the demo and add only sessions and login records to it.
    """
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connections

    with django_db_blocker.unblock():
        try:
            call_command("setup_roles", verbosity=0)
            call_command("bootstrap", verbosity=0)
            call_command("load_demo", verbosity=0)
            users = {}
            for role in ROLES:
                users[role] = User.objects.create_user(
                    role.lower(), password=PASSWORD, is_staff=True
                )
                users[role].groups.add(Group.objects.get(name=role))
            yield users
        finally:
            for alias in connections:
                call_command("flush", verbosity=0, interactive=False, database=alias)


@pytest.fixture
def transactional_db(demo, django_db_blocker):
    """Here, what ``live_server`` asks for (pytest-django's ``_live_server_helper``): the
    demo, committed, and the database open to the test, without pytest-django's flush
    after each test (the demo would have to be loaded again for the next)."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def login(browser, live_server, demo):
    """``login(role, width, form=False)``: a new page logged in as that role's user.

    ``form=True`` logs in through the admin's login form; otherwise the session cookie is set
    directly, which saves three page loads.
    """
    from django.conf import settings
    from django.test import Client

    contexts = []

    def _login(role: str, width: int = 1400, *, form: bool = False):
        context = browser.new_context(
            viewport={"width": width, "height": 900}, accept_downloads=True
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if form:
            page.goto(f"{live_server.url}/admin/login/")
            page.fill("#id_username", role.lower())
            page.fill("#id_password", PASSWORD)
            page.click("input[type=submit]")
            page.wait_for_selector("#user-tools")
        else:
            client = Client()
            client.force_login(demo[role])
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
            )
        return page

    yield _login
    for context in contexts:
        context.close()


def screenshot(page, name: str, *, full_page: bool = False) -> Path | None:
    """The page as drawn, when screenshots are asked for (``SCREENSHOTS=1``): drawing and
    encoding them was a fifth of the browser tests' time, and only people look at them."""
    if not os.environ.get("SCREENSHOTS"):
        return None
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def listed(page) -> int:
    """The number of records an admin list says it shows (its paginator's first number)."""
    return int(re.search(r"\d+", page.inner_text("p.paginator")).group())


def overflow(page) -> int:
    """How many pixels the page scrolls sideways (0 when it fits its window)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def tiny_text(page, smallest: float = 10) -> list[str]:
    """Visible text drawn smaller than ``smallest`` px (a label nobody can read)."""
    return page.evaluate(
        """(smallest) => {
          const found = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const node = walker.currentNode;
            if (!node.textContent.trim()) continue;
            const element = node.parentElement;
            const box = element.getBoundingClientRect();
            const style = getComputedStyle(element);
            if (!box.width || style.visibility === "hidden" || style.display === "none") continue;
            if (element.closest(".visually-hidden, [hidden], script, style")) continue;
            if (parseFloat(style.fontSize) < smallest)
              found.push(`${element.className}: ${node.textContent.trim().slice(0, 30)}`);
          }
          return found.slice(0, 10);
        }""",
        smallest,
    )


def list_table_overflow(page) -> int:
    """How far an admin list's table is wider than the box it scrolls in (0 when it fits)."""
    return page.evaluate(
        """() => {
          const table = document.querySelector("#result_list");
          if (!table) return 0;
          const box = table.closest(".results") || table.parentElement;
          return Math.max(0, table.scrollWidth - box.clientWidth);
        }"""
    )
