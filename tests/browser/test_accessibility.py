"""Every key page, once per width (a laptop's 1400 px, a phone's 390 px), in a real browser:
axe-core (axe-playwright-python) finds no serious or critical violation, nothing scrolls sideways,
no text is too small to read, a list's table fits its box, on a phone a list is a stack of
labelled cards, and the Content Security Policy refuses nothing; on the way, each role's admin
home offers its links and a chat's and a call's page read as they should. Then: the keyboard
alone finds a customer."""

import re

from axe_playwright_python.sync_playwright import Axe

from .conftest import list_table_overflow, overflow, screenshot, tiny_text

SERIOUS = {"serious", "critical"}


# A table's or a filter's first rows stand for the rest (all of them make axe take seconds).
CONTEXT = {"exclude": [["tbody tr:nth-child(n+6)"], ["#changelist-filter li:nth-child(n+6)"]]}


# axe fetches every stylesheet again first (``preload``) for two rules only, neither counted
# here: css-orientation-lock (experimental, off by default) and no-autoplay-audio (moderate).
OPTIONS = {"resultTypes": ["violations"], "preload": False}


def _serious(page, axe: Axe) -> list[str]:
    found = axe.run(page, context=CONTEXT, options=OPTIONS).response["violations"]
    return [
        f"{page.url} {v['id']}: {[n['target'] for n in v['nodes'][:3]]}"
        for v in found
        if v["impact"] in SERIOUS
    ]


def watch_csp(page, violations: list[str]):
    """Collect the console's CSP reports and the page's ``securitypolicyviolation`` events."""
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and violations.append(f"{page.url}: {message.text}")
        ),
    )
    page.add_init_script(
        """document.addEventListener("securitypolicyviolation", (event) => console.error(
          `Content Security Policy: ${event.violatedDirective} ${event.blockedURI}`));"""
    )
    return page


def _key_pages() -> dict[str, list[str]]:
    """Each role's daily pages; the call and chat with the most turns (the longest to lay out)."""
    from calls_app.models import CallResult
    from sessions_app.models import ChatSession

    call = CallResult.objects.filter(answered=True).order_by("-talk_round").first()
    chat = ChatSession.objects.order_by("-talk_round").first()
    return {
        "Support": [
            "/",
            "/?q=CASE",
            "/admin/calls_app/callresult/",
            f"/admin/calls_app/callresult/{call.pk}/change/",
            "/admin/sessions_app/chatsession/",
            f"/admin/sessions_app/chatsession/{chat.pk}/change/",
            f"/admin/customers/history/?call={call.pk}",
            "/collections/promises/due/",
        ],
        "Managers": [
            "/dashboard/",
            "/collections/compare/",
            "/admin/collections_app/promise/",
            "/account/settings/",
            "/no-such-page/",
        ],
        "Integrators": ["/dashboard/inbox/", "/admin/integrations/webhookevent/"],
    }


# At a phone's width every page is checked for sideways scrolling, and those laid out
# differently there (a list as cards, the dashboard's numbers first) by axe again.
PHONE_LAYOUTS = ("/admin/calls_app/callresult/", "/dashboard/")

# On a phone an admin list's rows are cards: no header row, each cell labelled with its column.
CARDS = """() => {
  const row = document.querySelector("#result_list tbody tr");
  const head = document.querySelector("#result_list thead");
  const cell = row && row.querySelector("td.field-case_id");
  return row ? {
    display: getComputedStyle(row).display,
    head: head ? getComputedStyle(head).display : "none",
    label: cell ? getComputedStyle(cell, "::before").content : null,
  } : null;
}"""

BROKEN_CELLS = """() => [...document.querySelectorAll("#result_list tbody td")]
  .filter((td) => {
    const range = document.createRange();
    range.selectNodeContents(td);
    const tops = [...range.getClientRects()].map((r) => Math.round(r.top));
    return new Set(tops).size > 1;  // on more than one line
  })
  .map((td) => td.innerText)"""


def _chat_problems(page) -> list[str]:
    """A chat transcript: bubbles on both sides, and the list it belongs to named once."""
    problems = []
    if not all(page.locator(side).count() for side in (".chat-row-customer", ".chat-row-business")):
        problems.append("the chat transcript lacks a side")
    if page.locator(".breadcrumbs").inner_text().count("Chat sessions") != 1:
        problems.append("the chat's breadcrumbs do not name its list once")
    return problems


def _call_problems(page) -> list[str]:
    """An answered call: the customer on the same side as in a chat, no filler for silence, a
    way to every contact with the customer, and no note about unanswered calls' times."""
    problems = []
    if not all(page.locator(side).count() for side in (".call-row-customer", ".call-row-robot")):
        problems.append("the call transcript lacks a side")
    if "(no reply)" in page.inner_text(".call-dialogue"):
        problems.append("the call transcript fills a silence")
    if page.locator(".breadcrumbs").inner_text().count("Call results") != 1:
        problems.append("the call's breadcrumbs do not name its list once")
    if page.get_by_role("link", name="All contacts with this customer").count() != 1:
        problems.append("the call has no link to all contacts with the customer")
    if page.locator(".field-answered .help").is_visible():
        problems.append("an answered call shows the note about unanswered calls' times")
    return problems


def _history_problems(page) -> list[str]:
    """A customer's history: times, numbers and case ids on one line, words not broken."""
    broken = page.evaluate(BROKEN_CELLS)
    return [f"the history's cells broken over lines: {broken}"] if broken else []


# What a page is for, checked at a laptop's width: (path start, path end) -> problems.
PAGE_CHECKS = {
    ("/admin/customers/history/", ""): _history_problems,
    ("/admin/sessions_app/chatsession/", "/change/"): _chat_problems,
    ("/admin/calls_app/callresult/", "/change/"): _call_problems,
}


def _problems(page, path: str, width: int, axe: Axe) -> list[str]:
    problems = []
    for (start, end), check in PAGE_CHECKS.items():
        if width == 1400 and path.startswith(start) and path.endswith(end):
            problems += check(page)
    if width > 768 or path in PHONE_LAYOUTS:
        problems += _serious(page, axe)
    if extra := overflow(page):
        problems.append(f"{path} scrolls sideways by {extra} px at {width}")
    if small := tiny_text(page):
        problems.append(f"{path} at {width}: text under 10 px: {small}")
    if width == 1400 and (extra := list_table_overflow(page)):
        problems.append(f"{path}: the list's table is {extra} px wider than its box")
    cards = page.evaluate(CARDS) if width < 768 else None
    if cards and (cards["display"], cards["head"]) != ("block", "none"):
        problems.append(f"{path} at {width}: the list is not a stack of cards: {cards}")
    if cards and cards["label"] is not None and cards["label"].strip('"').lower() != "case id":
        problems.append(f"{path} at {width}: a card's case id is labelled {cards['label']}")
    return problems


WIDTHS = (1400, 390)

# What each role's admin home offers (its links) and what it must not.
ADMIN_HOME = {
    "Support": {"a[href$='/calls_app/callresult/']": True, ".dashboard-link": False},
    "Managers": {".dashboard-link": True},
    "Integrators": {
        "a[href$='/integrations/webhookevent/']": True,
        "a[href$='/calls_app/callresult/']": False,
    },
}


def _admin_home_problems(page, role: str) -> list[str]:
    return [
        f"the admin home of {role} {'lacks' if wanted else 'shows'} {selector}"
        for selector, wanted in ADMIN_HOME[role].items()
        if bool(page.locator(selector).count()) != wanted
    ]


def test_key_pages_are_accessible_fit_and_refuse_nothing(demo, login, live_server):
    """Each role opens its admin home (Support signs in through the form), then each of its key
    pages, loaded once at 1400 px and narrowed to 390 px: its layout follows the width through
    CSS alone (no script reads it), so the phone sees what a page opened there shows."""
    axe, problems, violations = Axe(), [], []
    for role, paths in _key_pages().items():
        page = watch_csp(login(role, WIDTHS[0], form=role == "Support"), violations)
        if role != "Support":  # the form lands there
            page.goto(f"{live_server.url}/admin/")
        problems += _admin_home_problems(page, role)
        for path in paths:
            page.set_viewport_size({"width": WIDTHS[0], "height": 900})
            page.goto(f"{live_server.url}{path}")
            name = re.sub(r"\W+", "-", path).strip("-") or "home"
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                screenshot(page, f"key-{name}-{width}", full_page=True)  # make screens
                csp = len(violations)
                problems += _problems(page, path, width, axe)
                del violations[csp:]  # axe's own injected styles, not the page's
    assert problems == []
    assert violations == []


def _spaced(number: str) -> str:
    """``+6281234567890`` as a person writes it: ``+62 812-3456 7890``."""
    return f"{number[:3]} {number[3:6]}-{number[6:10]} {number[10:]}"


def test_the_keyboard_alone_finds_a_customer_from_home(demo, login, live_server):
    """A support agent types a number as they got it: the customer and their calls are found,
    masked, on a page that fits a laptop and a phone; Tab and Enter open the customer."""
    from demo.account import demo_customers

    customer = demo_customers()[0]
    page = login("Support")
    page.goto(f"{live_server.url}/")
    assert page.title() == "Search | AI Rudder inbox"
    assert page.evaluate("document.activeElement.id") == "home-q"  # the search box has focus
    page.keyboard.type(_spaced(customer.phone))
    page.keyboard.press("Enter")
    page.wait_for_selector(".home-customer")
    assert page.locator("#home-calls ~ .home-records .home-record").count() >= 1
    assert customer.phone not in page.inner_text(".home-main")  # masked for Support
    for width in WIDTHS:  # the layout follows the width through CSS alone
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"home-search-{width}", full_page=True)
        assert overflow(page) == 0, f"the results at {width} px scroll sideways"
        assert tiny_text(page) == []
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    for _ in range(40):  # Tab on to the first customer found, whatever comes before it
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('home-customer')"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/customers/history/**")
    assert page.locator("h1").first.is_visible()
