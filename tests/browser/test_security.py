"""In a real browser (Chromium), the key pages load under the Content Security Policy: nothing
they show or run is refused (docs/operations.md)."""


def _watch(page, violations: list[str]):
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


def test_key_pages_raise_no_csp_violation(demo, login, live_server):
    from calls_app.models import CallResult
    from sessions_app.models import ChatSession

    violations: list[str] = []
    support = _watch(login("Support"), violations)
    call = CallResult.objects.filter(answered=True).first()
    support.goto(f"{live_server.url}/admin/calls_app/callresult/{call.pk}/change/")
    support.wait_for_selector(".call-dialogue")
    chat = ChatSession.objects.first()
    support.goto(f"{live_server.url}/admin/sessions_app/chatsession/{chat.pk}/change/")
    support.wait_for_selector(".chat-transcript")
    support.goto(f"{live_server.url}/admin/calls_app/callresult/")
    support.wait_for_selector("#result_list")

    manager = _watch(login("Managers"), violations)
    manager.goto(f"{live_server.url}/dashboard/")
    manager.wait_for_selector("#calls .dash-number")
    # Swagger UI (its assets served from here) renders the schema's operations.
    manager.goto(f"{live_server.url}/api/docs/")
    manager.wait_for_selector(".swagger-ui .opblock")
    manager.wait_for_load_state("networkidle")
    assert not violations, violations
