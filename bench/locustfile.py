"""The load test's users (`make load`, bench/load_run.py): locust, headless.

Every user is a real account made by bench/load_run.py: the organisation
administrator of one fictitious listing, with a password and an authenticator
app whose seed the plan holds. A user signs in (password, then a TOTP code
computed from that seed), then searches the directory page and the JSON API,
opens listing pages and proposes edits to its own listing; now and then it
signs out and in again. Users are spread over the plan's servers.

Each edit puts a unique token into the listing's description. An edit counts
as acknowledged when the server redirects to the listing page, as it does
only after the proposal is committed; every edit's token, acknowledged or
not, goes to the ledger (RELAIS_LOAD_LEDGER) when the run stops, for
bench/load_run.py to compare with the database.

Environment: RELAIS_LOAD_PLAN (the plan's JSON path), RELAIS_LOAD_LEDGER.
Only ever targets 127.0.0.1.
"""

import itertools
import json
import os
import random
import re
import time
import uuid
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from django_otp.oath import totp
from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["RELAIS_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
LEDGER: list[dict[str, str | bool]] = []
_NEXT_ACCOUNT = itertools.count()
TOTP_STEP = 30


class FormFields(HTMLParser):
    """The fields a browser would submit from the first form posting to `action`."""

    def __init__(self, action: str, page: str) -> None:
        super().__init__()
        self.action = action
        self.page = page
        self.inside = False
        self.done = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done:
            # A form without an action posts to its own page.
            target = urlsplit(a.get("action", "")).path or self.page
            self.inside = target == self.action
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file"):
                return
            self.fields.append(
                (name, a.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self.fields.append((self._select, value))
                self._select_chosen = True

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text)))
            self._textarea = None
        elif tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self.fields.append((self._select, self._select_first))
            self._select = None

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._textarea:
            self._text.append(data)


def form_fields(html: str, action: str, page: str) -> list[tuple[str, str]]:
    parser = FormFields(action, page)
    parser.feed(html)
    return parser.fields


TOKEN = re.compile(r"\s*\[load [0-9a-f]{32}\]$")


class Professional(HttpUser):
    # A professional reads a page for a few seconds before the next.
    wait_time = between(2.0, 6.0)
    # Set per user in on_start, from the plan.
    host = PLAN["hosts"][0]

    def on_start(self) -> None:
        index = next(_NEXT_ACCOUNT)
        self.account = PLAN["accounts"][index % len(PLAN["accounts"])]
        self.client.base_url = PLAN["hosts"][index % len(PLAN["hosts"])]
        netloc = urlsplit(self.client.base_url).netloc
        self.origin = f"https://{netloc}"
        self.client.headers.update({"X-Forwarded-Proto": "https"})
        self.last_code_step = -1
        self.sign_in()
        # One edit each at the start, so that even a short run checks writes.
        self.edit_own_listing()

    def _behind_tls_proxy(self) -> None:
        """Send the `Secure` cookies over plain HTTP to 127.0.0.1.

        The servers run the production profile, which marks its cookies
        Secure and expects a TLS proxy in front (`X-Forwarded-Proto: https`);
        the load test stands where that proxy would, on the loopback interface.
        """
        for cookie in self.client.cookies:
            cookie.secure = False

    def _get(self, path: str, name: str, **kwargs):  # type: ignore[no-untyped-def]
        """GET that must answer 200 itself (a redirect to sign-in is a failure)."""
        self._behind_tls_proxy()
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {name}")
        return response

    def _post(self, path: str, data: list[tuple[str, str]], name: str):  # type: ignore[no-untyped-def]
        self._behind_tls_proxy()
        return self.client.post(
            path,
            data=data,
            name=name,
            allow_redirects=False,
            headers={"Origin": self.origin, "Referer": self.origin + path},
            catch_response=True,
        )

    def sign_in(self) -> None:
        page = self._get("/en/sign-in/", "sign-in: page")
        fields = dict(form_fields(page.text, "/en/sign-in/", "/en/sign-in/"))
        fields.update(email=self.account["email"], password=self.account["password"])
        with self._post("/en/sign-in/", list(fields.items()), "sign-in: password") as r:
            if r.status_code != 302 or "/sign-in/code/" not in r.headers.get(
                "Location", ""
            ):
                r.failure(f"password refused ({r.status_code})")
                return
        page = self._get("/en/sign-in/code/", "sign-in: code page")
        # One code a time step: a code is never accepted twice (django-otp),
        # so a user signing in again within 30 s waits for the next one.
        step = int(time.time() // TOTP_STEP)
        if step <= self.last_code_step:
            time.sleep((self.last_code_step + 1) * TOTP_STEP - time.time() + 0.05)
            step = int(time.time() // TOTP_STEP)
        code = totp(bytes.fromhex(self.account["totp_key"]), step=TOTP_STEP)
        self.last_code_step = step
        fields = dict(form_fields(page.text, "/en/sign-in/code/", "/en/sign-in/code/"))
        fields["code"] = f"{code:06d}"
        with self._post(
            "/en/sign-in/code/", list(fields.items()), "sign-in: code"
        ) as r:
            if r.status_code != 302 or "/sign-in/" in r.headers.get("Location", ""):
                r.failure(f"code refused ({r.status_code})")

    @task(4)
    def search_directory(self) -> None:
        word = random.choice(PLAN["words"])
        self._get(f"/en/directory/?q={quote(word)}", "search: directory page")

    @task(4)
    def search_api(self) -> None:
        word = random.choice(PLAN["words"])
        country = random.choice(["", "&country=BE", "&country=RO", "&country=ES"])
        self._get(
            f"/api/v1/search?q={quote(word)}{country}",
            "search: API",
            headers={"Accept": "application/json"},
        )

    @task(4)
    def listing_page(self) -> None:
        slug = random.choice(PLAN["listings"])
        self._get(f"/en/directory/{slug}/", "listing page")

    @task(2)
    def edit_own_listing(self) -> None:
        slug = self.account["slug"]
        path = f"/en/directory/{slug}/edit/"
        page = self._get(path, "edit: form")
        fields = form_fields(page.text, path, path)
        token = uuid.uuid4().hex
        data = [
            (k, TOKEN.sub("", v) + f" [load {token}]" if k == "description" else v)
            for k, v in fields
        ]
        # Every attempt goes to the ledger; the check needs the ones the
        # server may have committed without the answer reaching the user.
        attempt = {"slug": slug, "token": token, "acknowledged": False}
        LEDGER.append(attempt)
        with self._post(path, data, "edit: submit") as r:
            if r.status_code == 302 and r.headers.get("Location", "").endswith(
                f"/directory/{slug}/"
            ):
                attempt["acknowledged"] = True
            else:
                r.failure(f"edit not acknowledged ({r.status_code})")

    @task(1)
    def sign_out_and_in(self) -> None:
        page = self._get("/en/account/", "account page")
        fields = form_fields(page.text, "/en/sign-out/", "/en/account/")
        with self._post("/en/sign-out/", fields, "sign-out") as r:
            if r.status_code != 302:
                r.failure(f"sign-out refused ({r.status_code})")
                return
        self.client.cookies.clear()
        self.sign_in()


@events.quitting.add_listener
def _write_ledger(environment, **_kwargs):  # type: ignore[no-untyped-def]
    with open(os.environ["RELAIS_LOAD_LEDGER"], "w", encoding="utf-8") as out:
        json.dump(LEDGER, out)
