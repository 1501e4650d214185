"""In a real browser (Chromium), Swagger UI renders the schema under the Content Security Policy
(its assets served from here): nothing it shows or runs is refused. The other key pages are
watched the same way in ``test_accessibility.py`` (docs/operations.md)."""

from .test_accessibility import watch_csp


def test_the_api_docs_raise_no_csp_violation(demo, login, live_server):
    violations: list[str] = []
    manager = watch_csp(login("Managers"), violations)
    manager.goto(f"{live_server.url}/api/docs/")
    manager.wait_for_selector(".swagger-ui .opblock")
    manager.wait_for_load_state("networkidle")
    assert not violations, violations
