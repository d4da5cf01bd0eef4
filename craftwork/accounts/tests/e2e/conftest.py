# The browser fixtures are shared with the web app's journeys.
from craftwork.web.tests.e2e.conftest import browser, page, phone_page  # noqa: F401
