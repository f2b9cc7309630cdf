"""Hostile input on every route: no answer is ever a server error.

Generated from the access table, so a new route is covered the day it is added: each
route is requested anonymously, as an organiser of the edition and as an admin (who
passes every check, so the routes for delegates and reviewers are reached too), with a
NUL character and invalid UTF-8 in its path segments, query string and form, integers
beyond an INTEGER column in the same places, a body larger than ``AGORA_MAX_UPLOAD_MB``,
disguised uploads and a forged Host. CSRF is off in tests, so every POST reaches its view.
"""

import io
import logging
import re
import traceback
from pathlib import Path

import pytest
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField

from app.access import access_table
from tests.access_table import World
from tests.support import sign_in

# One object of every kind, with a user of every kind (the access test's fixture).


@pytest.fixture
def world(one_of_everything) -> World:
    return one_of_everything


APP_FOLDER = Path(__file__).resolve().parents[2] / "app"
ROLES = ("anonymous", "organiser", "admin")
TOO_BIG = "2147483648"  # one more than an INTEGER column holds
HUGE = "99999999999999999999999"  # more than any integer column holds
NUL = "a\x00b"
INVALID_UTF8 = "%FF%FEa"
DISGUISED = b"<html><script>alert(1)</script></html>"
# Names read straight from the request by views (request.args.get("page"), ...).
READ_NAMES = re.compile(r"""\b(?:args|form|values)\.(?:get|getlist)\(\s*["']([\w-]+)["']""")


def _all_form_classes(root=FlaskForm):
    for subclass in root.__subclasses__():
        yield subclass
        yield from _all_form_classes(subclass)


def _field_names() -> tuple[list[str], list[str]]:
    """Every field name the app's forms and views read, and those that take files."""
    names, file_names = set(), set()
    for form_class in _all_form_classes():
        if not form_class.__module__.startswith("app."):
            continue
        for name, unbound in getattr(form_class, "_unbound_fields", None) or []:
            target = file_names if issubclass(unbound.field_class, FileField) else names
            if issubclass(unbound.field_class, MultipleFileField):
                target = file_names
            target.add(name)
    if not any(True for _ in _all_form_classes()):
        pytest.fail("no form classes found: import the app first")
    for source in APP_FOLDER.rglob("*.py"):
        names.update(READ_NAMES.findall(source.read_text(encoding="utf-8")))
    return sorted(names - file_names), sorted(file_names)


def _arguments(rule, world: World) -> dict:
    section = rule.rule.strip("/").split("/")[0]
    found = {}
    for name in rule.arguments:
        for scope in (section, "*"):
            if name in world.values.get(scope, {}):
                found[name] = str(world.values[scope][name])
                break
        else:
            pytest.fail(f"no sample value for <{name}> in {rule.rule}")
    return found


def _path(rule, values: dict) -> str:
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", lambda _match, v=value: v, path)
    return path


def _int_arguments(rule) -> set[str]:
    return set(re.findall(r"<int(?:\([^)]*\))?:(\w+)>", rule.rule))


class Probe:
    """Sends requests as one kind of user and keeps every server error with its cause."""

    def __init__(self, app, world: World, caplog):
        self.app, self.world, self.caplog = app, world, caplog
        self.failures: list[str] = []
        self.checked = 0

    def client(self, role: str):
        client = self.app.test_client()
        if role != "anonymous":
            sign_in(client, self.world.users[role])
        return client

    def send(self, role, label, method, url, *, expect=None, **kwargs):
        self.caplog.clear()
        shown = url if len(url) < 90 else url[:80] + "..."
        self.checked += 1
        try:
            response = self.client(role).open(url, method=method, **kwargs)
        except Exception as error:  # the test client re-raises what no handler took
            where = traceback.format_exception(error)[-2].strip().splitlines()[0]
            self.failures.append(f"{role} {method} {shown} [{label}]: raised {error!r} at {where}")
            return None
        if response.status_code >= 500:
            self.failures.append(
                f"{role} {method} {shown} [{label}]: {response.status_code} {self._cause()}"
            )
        elif expect is not None and response.status_code not in expect:
            self.failures.append(
                f"{role} {method} {shown} [{label}]: {response.status_code}, expected {expect}"
            )
        return response

    def _cause(self) -> str:
        for record in self.caplog.records:
            if record.exc_info:
                frames = traceback.extract_tb(record.exc_info[2])
                last = next((f for f in reversed(frames) if "/app/" in f.filename), frames[-1])
                error = record.exc_info[1]
                return f"{type(error).__name__}: {error} at {last.filename}:{last.lineno}"
        return ""

    def check(self):
        assert self.checked > 0
        assert not self.failures, f"{len(self.failures)} answers went wrong:\n" + "\n".join(
            self.failures[:60]
        )


@pytest.fixture
def probe(app, world, caplog):
    caplog.set_level(logging.ERROR, logger="app")
    return Probe(app, world, caplog)


def _rules(app):
    listed = {endpoint for _path, _methods, endpoint, _audience in access_table(app)}
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint in listed]
    return sorted(rules, key=lambda rule: (rule.rule, sorted(rule.methods)))


def _methods(rule) -> set[str]:
    return set(rule.methods) - {"HEAD", "OPTIONS"}


def test_path_segments(app, probe):
    """NUL and invalid UTF-8 in a segment are 404; so is an int beyond the column."""
    for rule in _rules(app):
        if not rule.arguments:
            continue
        method = "GET" if "GET" in _methods(rule) else "POST"
        values = _arguments(rule, probe.world)
        integers = _int_arguments(rule)
        for name in rule.arguments:
            hostile = {"nul": "a%00b", "utf8": INVALID_UTF8}
            if name in integers:
                hostile |= {"too-big": TOO_BIG, "huge": HUGE}
            for label, value in hostile.items():
                url = _path(rule, values | {name: value})
                for role in ROLES:
                    probe.send(role, f"<{name}> {label}", method, url, expect={404, 405})
    probe.check()


def test_query_strings(app, probe):
    names, _files = _field_names()
    too_big = "&".join(f"{name}={TOO_BIG}" for name in names)
    huge = "&".join(f"{name}={HUGE}" for name in names) + "&page=-1&after=-5"
    for rule in _rules(app):
        if "GET" not in _methods(rule):
            continue
        url = _path(rule, _arguments(rule, probe.world))
        for role in ROLES:
            probe.send(role, "ints", "GET", f"{url}?{too_big}")
            probe.send(role, "huge ints", "GET", f"{url}?{huge}")
            probe.send(role, "nul", "GET", f"{url}?q=a%00b&page=%00", expect={400})
            probe.send(role, "utf8", "GET", f"{url}?q={INVALID_UTF8}", expect={400})
    probe.check()


def test_forms(app, probe):
    names, file_names = _field_names()
    for rule in _rules(app):
        if "POST" not in _methods(rule):
            continue
        url = _path(rule, _arguments(rule, probe.world))
        for role in ROLES:
            probe.send(role, "ints", "POST", url, data=dict.fromkeys(names, TOO_BIG))
            probe.send(role, "huge ints", "POST", url, data=dict.fromkeys(names, HUGE))
            probe.send(role, "nul", "POST", url, data=dict.fromkeys(names, NUL), expect={400, 413})
            probe.send(
                role,
                "utf8",
                "POST",
                url,
                data=b"title=%FF%FE&name=%C3%28",
                content_type="application/x-www-form-urlencoded",
                expect={400},
            )
            uploads = {
                name: (io.BytesIO(DISGUISED), "deck.pdf", "application/pdf") for name in file_names
            }
            probe.send(
                role,
                "disguised upload",
                "POST",
                url,
                data=dict.fromkeys(names, "1") | uploads,
                content_type="multipart/form-data",
            )
            probe.send(
                role,
                "nul in file name",
                "POST",
                url,
                data={"file": (io.BytesIO(b"%PDF-1.4"), "a\x00.pdf")},
                content_type="multipart/form-data",
                expect={400},
            )
    probe.check()


def test_oversized_bodies_and_forged_hosts(app, probe):
    oversized = b"x=" + b"y" * app.config["MAX_CONTENT_LENGTH"]
    for rule in _rules(app):
        methods = _methods(rule)
        url = _path(rule, _arguments(rule, probe.world))
        for role in ROLES:
            if "POST" in methods:
                probe.send(
                    role,
                    "oversized",
                    "POST",
                    url,
                    data=oversized,
                    content_type="application/x-www-form-urlencoded",
                    expect={413},
                )
            method = "GET" if "GET" in methods else "POST"
            probe.send(role, "forged host", method, url, base_url="http://evil.example")
            probe.send(
                role,
                "forged forwarded host",
                method,
                url,
                headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-For": "6.6.6.6"},
            )
    probe.check()
