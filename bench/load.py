"""Load test: gunicorn with 4 workers, simulated reviewers screening and extracting over real HTTP for a while;
then every acknowledged vote and value is looked up in the database.

Run: .venv/bin/python bench/load.py --database postgres [--reviewers 30] [--seconds 120] [--workers 4] [--think 2]
     .venv/bin/python bench/load.py --database sqlite --reviewers 10

Each simulated reviewer logs in, then loops: open the title/abstract queue, vote on the record it shows (the
vote is acknowledged when the next page says "Vote saved"); every fifth turn it saves a draft of one of its
extractions instead ("Draft saved"). Between turns it pauses for a random time (exponential, mean --think
seconds; 0 sends the next request at once, which measures the server's capacity rather than a team's use).
Reported: requests per second, p50/p95/p99 latency overall and per kind of request, 5xx responses, votes refused
(another reviewer's vote got there first) with their message, and whether each acknowledged write is in the
database exactly once with the last acknowledged value.
"""

import argparse
import http.client
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "load-test-password-7319"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
REQUEST_KINDS = [
    ("vote", re.compile(r"^POST /reviews/\d+/screening/[\w-]+/vote/")),
    ("queue page", re.compile(r"^GET /reviews/\d+/screening/")),
    ("draft save", re.compile(r"^POST /reviews/\d+/extraction/extractions/")),
    ("extraction page", re.compile(r"^GET /reviews/\d+/extraction/extractions/")),
]
VOTE_ACTION = re.compile(r'action="(/reviews/\d+/screening/title-abstract/vote/(\d+)/)"')
VOTE_REFUSED = re.compile(r"Vote not saved: ([^<]*?)\.?<")
IMPORT_CONFIRM = re.compile(r'action="(/reviews/\d+/imports/\d+/confirm/)"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def environment(database: str, workdir: Path, pg_name: str, cache_url: str = "") -> dict[str, str]:
    if database == "postgres":
        url = f"postgres://postgres@127.0.0.1:5432/{pg_name}"
    else:
        url = f"sqlite:///{workdir / 'load.sqlite3'}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": "load-test-only-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "CONN_MAX_AGE": "60",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "CACHE_URL": cache_url,
    }


def recreate_postgres_database(name: str, *, create: bool = True):
    import psycopg
    from psycopg import sql

    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if create:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def search_export(numbers: range) -> bytes:
    """A RIS file of distinct records, numbered so that two files of different numbers share no duplicates."""
    from tests.factories import ris

    words = [
        "relapse",
        "neuromyelitis",
        "tocilizumab",
        "azathioprine",
        "cohort",
        "disability",
        "antibody",
        "optic",
        "spinal",
        "trial",
        "rituximab",
        "outcome",
        "interleukin",
        "registry",
        "children",
        "safety",
    ]
    rng = random.Random(numbers.start)
    return ris(
        *(
            {
                "TI": " ".join(rng.sample(words, 8)) + f" {i}",
                "DO": f"10.5555/load.{i}",
                "PY": "2020",
                "AU": f"Author{i}, A.",
            }
            for i in numbers
        )
    )


def build_review(reviewers: int, records: int, studies: int) -> dict:
    """A review with `records` records to screen (two votes each), the NMOSD form, and `studies` studies whose two
    extractions are drafts of the simulated reviewers; returns what the clients need."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from extraction import services as extraction
    from extraction.models import Extraction, FormField
    from extraction.template import load
    from identification.models import Record
    from reviews.models import Role
    from reviews.services import add_member, create_review
    from screening.models import Study
    from tests.factories import make_import, make_search

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    users = get_user_model().objects
    lead = users.create_user("load-lead", password=PASSWORD)
    review = create_review(creator=lead, title="Load test", exclusion_reasons=["Wrong population"])
    people = []
    for i in range(reviewers):
        person = users.create_user(f"reviewer{i:02d}", password=PASSWORD)
        add_member(review=review, user=person, role=Role.REVIEWER, by=lead)
        people.append(person)
    search = make_search(review, lead)
    make_import(review, lead, search_export(range(records)), search=search)
    assert Record.objects.filter(review=review).unique().count() == records
    extraction.apply_template(review=review, user=lead, template=load("nmosd"))
    Study.objects.bulk_create(Study(review=review, label=f"Study {i:03d} 2020") for i in range(studies))
    assignments = {}
    extractions = []
    for index, study in enumerate(Study.objects.filter(review=review).order_by("pk")):
        first, second = people[(2 * index) % reviewers], people[(2 * index + 1) % reviewers]
        extractions += [
            Extraction(review=review, study=study, slot=1, extractor=first),
            Extraction(review=review, study=study, slot=2, extractor=second),
        ]
    for made in Extraction.objects.bulk_create(extractions):
        assignments.setdefault(made.extractor.username, []).append(made.pk)
    fields = dict(
        FormField.objects.filter(review=review, key__in=["country", "n", "arr_before_mean"]).values_list("key", "pk")
    )
    return {
        "review": review.pk,
        "usernames": [p.username for p in people],
        "extractions": assignments,
        "fields": fields,
        "lead": lead.username,
        "search": search.pk,
        "records": records,
    }


def multipart(boundary: str, fields: dict, file_field: str, file_name: str, content: bytes) -> bytes:
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{file_name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


def request_kind(method: str, path: str) -> str:
    line = f"{method} {path}"
    return next((kind for kind, pattern in REQUEST_KINDS if pattern.match(line)), "other")


class Client:
    """One reviewer's keep-alive connection with its cookies; every answered request goes into `log` as
    (kind, finished at, seconds)."""

    def __init__(self, port: int, log: list, statuses: Counter, timeout: float = 60):
        self.port, self.log, self.statuses, self.timeout = port, log, statuses, timeout
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def request(self, method: str, path: str, form: dict | None = None, upload: tuple | None = None):
        """(status, Location, page); `upload` is (fields, file field, file name, content), sent as a multipart form."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if upload is not None:
            boundary = "tandem-load-boundary-7f3a"
            body = multipart(boundary, *upload)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            self.statuses["connection error"] += 1
            return 0, "", ""
        self.log.append((request_kind(method, path), time.monotonic(), time.perf_counter() - started))
        self.statuses[response.status] += 1
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        return response.status, response.getheader("Location") or "", content

    def follow(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        status, location, content = self.request(method, path, form)
        if status == 302:
            status, _, content = self.request("GET", location)
        return status, content

    def log_in(self, username: str):
        _, page = self.follow("GET", "/accounts/login/")
        form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": CSRF_INPUT.search(page).group(1)}
        status, _, _ = self.request("POST", "/accounts/login/", form)
        assert status == 302, f"{username} could not log in ({status})"


def reviewer(client: Client, setup: dict, username: str, until: float, acks: dict, seed: int, think: float):
    rng = random.Random(seed)
    review, fields = setup["review"], setup["fields"]
    mine = setup["extractions"].get(username, [])
    entered: dict[int, dict[str, str]] = defaultdict(dict)
    _, page = client.follow("GET", f"/reviews/{review}/screening/title-abstract/")
    turn = 0
    while time.monotonic() < until:
        if think:
            time.sleep(min(rng.expovariate(1 / think), max(0.0, until - time.monotonic())))
        turn += 1
        if mine and turn % 5 == 0:
            extraction = rng.choice(mine)
            path = f"/reviews/{review}/extraction/extractions/{extraction}/"
            _, form_page = client.follow("GET", path)
            token = CSRF_INPUT.search(form_page)
            if token is None:
                continue
            values = {
                f"v-{fields['country']}-0": rng.choice(["Germany", "Japan", "Brazil"]),
                f"v-{fields['n']}-1": str(rng.randint(5, 200)),
                f"v-{fields['arr_before_mean']}-1": f"{rng.uniform(0.5, 3):.2f}",
            }
            entered[extraction].update(values)
            form = {"csrfmiddlewaretoken": token.group(1), "arm_count": "1", "action": "save", **entered[extraction]}
            status, saved = client.follow("POST", path, form)
            if status == 200 and "Draft saved." in saved:
                for name, value in values.items():
                    acks["values"].append((extraction, name, value))
            continue
        found, token = VOTE_ACTION.search(page), CSRF_INPUT.search(page)
        if found is None or token is None:
            _, page = client.follow("GET", f"/reviews/{review}/screening/title-abstract/")
            if VOTE_ACTION.search(page) is None:
                time.sleep(0.05)  # nothing to vote on right now
            continue
        decision = rng.choice(["include", "exclude"])
        status, page = client.follow(
            "POST", found.group(1), {"csrfmiddlewaretoken": token.group(1), "decision": decision}
        )
        if status == 200 and "Vote saved" in page:
            acks["votes"].append((username, int(found.group(2)), decision))
        elif refusal := VOTE_REFUSED.search(page):
            acks["refused"][refusal.group(1)] += 1


def importer(client: Client, setup: dict, records: int, delay: float, report: dict):
    """The lead imports a further search export of `records` records while the reviewers work; a task worker runs
    the import while the lead's browser refreshes its page."""
    time.sleep(delay)
    review = setup["review"]
    content = search_export(range(setup["records"], setup["records"] + records))
    _, page = client.follow("GET", f"/reviews/{review}/imports/new/")
    token = CSRF_INPUT.search(page).group(1)
    started = report["started"] = time.monotonic()
    _, _, preview = client.request(
        "POST",
        f"/reviews/{review}/imports/new/",
        upload=({"csrfmiddlewaretoken": token, "search": setup["search"]}, "file", "more.ris", content),
    )
    confirm = IMPORT_CONFIRM.search(preview)
    report["preview seconds"] = time.monotonic() - started
    status, page = 0, ""
    if confirm:
        _, detail, _ = client.request("POST", confirm.group(1), {"csrfmiddlewaretoken": token})
        status, page = client.follow("GET", detail)
        while status == 200 and 'http-equiv="refresh"' in page:  # as the lead's browser does
            time.sleep(1)
            status, page = client.follow("GET", detail)
    report["finished"] = time.monotonic()
    report["seconds"] = report["finished"] - started
    report["imported"] = status == 200 and f"Records imported</dt><dd>{records}<" in page


def analyst(review_id: int, delay: float, report: dict):
    """A quarter into the run, the lead of a second, locked review asks for an analysis; a task worker runs it."""
    from django.db import connections

    from analysis.models import AnalysisRun, RunStatus
    from analysis.services import queue_analysis
    from analysis.tasks import analyse
    from reviews.models import Review

    time.sleep(delay)
    review = Review.objects.get(pk=review_id)
    started = time.monotonic()
    run = queue_analysis(review=review, user=review.created_by)
    analyse.enqueue(run.pk)
    while (status := AnalysisRun.objects.get(pk=run.pk).status) in (RunStatus.QUEUED, RunStatus.RUNNING):
        time.sleep(0.5)
    report["seconds"], report["status"] = time.monotonic() - started, status
    connections.close_all()


def locked_review() -> int:
    """A review whose extraction of six studies is locked, ready to analyse (tests/analysis/helpers.py)."""
    from tests.analysis.helpers import lock_team
    from tests.factories import Personas

    return lock_team(Personas(prefix="analysis-")).review.pk


def verify(acks: dict) -> list[str]:
    """Every acknowledged write is in the database once, with the value last acknowledged."""
    from extraction.models import Value
    from screening.models import Stage, Vote, VoteEvent

    problems = []
    acknowledged = Counter((user, record) for user, record, _ in acks["votes"])
    last = {(user, record): decision for user, record, decision in acks["votes"]}
    events = Counter(
        VoteEvent.objects.filter(stage=Stage.TITLE_ABSTRACT).values_list("reviewer__username", "record_id")
    )
    votes = {
        (u, r): d
        for u, r, d in Vote.objects.filter(stage=Stage.TITLE_ABSTRACT).values_list(
            "reviewer__username", "record_id", "decision"
        )
    }
    for key, count in acknowledged.items():
        if events[key] != count:
            problems.append(f"vote {key}: {count} acknowledged, {events[key]} recorded")
        if votes.get(key) != last[key]:
            problems.append(f"vote {key}: last acknowledged {last[key]}, database has {votes.get(key)}")
    unacknowledged = sum(events.values()) - sum(acknowledged.values())
    if unacknowledged:
        problems.append(f"{unacknowledged} vote events were saved without the client seeing 'Vote saved'")
    last_value = {(extraction, name): value for extraction, name, value in acks["values"]}
    stored = Counter()
    for extraction, field, arm, value in Value.objects.values_list("extraction_id", "field_id", "arm", "value"):
        stored[(extraction, f"v-{field}-{arm}")] += 1
        expected = last_value.get((extraction, f"v-{field}-{arm}"))
        if expected is not None and expected != value:
            problems.append(f"value {extraction} {field}/{arm}: acknowledged {expected}, database has {value}")
    problems += [f"value {key} stored {n} times" for key, n in stored.items() if n > 1]
    problems += [f"value {key} acknowledged but missing" for key in last_value if key not in stored]
    return problems


def percentile(values: list[float], share: float) -> float:
    return (
        statistics.quantiles(values, n=1000, method="inclusive")[int(share * 1000) - 1]
        if len(values) > 1
        else float("nan")
    )


def latency_line(name: str, values: list[float], elapsed: float) -> str:
    p50, p95, p99 = (percentile(values, share) * 1000 for share in (0.5, 0.95, 0.99))
    return (
        f"  {name:>15}: {len(values):>7,} requests ({len(values) / elapsed:4.0f}/s), ms p50 {p50:4.0f}, "
        f"p95 {p95:4.0f}, p99 {p99:4.0f}, max {max(values, default=0) * 1000:5.0f}"
    )


def main(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--reviewers", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--port", type=int, default=0, help="0 (the default) takes a free port")
    parser.add_argument(
        "--pg-database", default="tandem_load", help="PostgreSQL database to create for the run and drop after it"
    )
    parser.add_argument("--think", type=float, default=2.0, help="mean pause between a reviewer's turns, seconds")
    parser.add_argument(
        "--import-records",
        type=int,
        default=0,
        help="the lead imports a file of this many records a quarter into the run",
    )
    parser.add_argument("--servers", type=int, default=1, help="gunicorn servers; reviewers take them in turn")
    parser.add_argument("--task-workers", type=int, default=1, help="`manage.py db_worker` processes")
    parser.add_argument("--cache-url", default="", help="CACHE_URL of every process, e.g. redis://127.0.0.1:6379/1")
    parser.add_argument("--analysis", action="store_true", help="an analysis run goes through the workers too")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="tandem-load-"))
    env = environment(args.database, workdir, args.pg_database, args.cache_url)
    os.environ.update(env)
    if args.database == "postgres":
        recreate_postgres_database(args.pg_database)
    import django

    django.setup()
    setup = build_review(args.reviewers, args.records, studies=2 * args.reviewers)
    analysed_review = locked_review() if args.analysis else None
    from django.db import connection, connections

    from tests.db_worker import start_worker
    from tests.gunicorn_server import start_gunicorn

    if args.database == "postgres":
        # As autovacuum would have by the time a team screens: planner statistics for the freshly loaded tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    connections.close_all()

    ports = [args.port + i if args.port else 0 for i in range(args.servers)]
    servers = [start_gunicorn(env, port=p, workers=args.workers, timeout=300, log_level="warning") for p in ports]
    task_workers = [start_worker(env) for _ in range(args.task_workers)]
    try:
        log: list[tuple[str, float, float]] = []
        statuses: Counter = Counter()
        acks = {"votes": [], "values": [], "refused": Counter()}
        clients = [
            (Client(servers[i % len(servers)].port, log, statuses), name) for i, name in enumerate(setup["usernames"])
        ]
        for client, name in clients:
            client.log_in(name)
        log.clear()
        statuses.clear()
        until = time.monotonic() + args.seconds
        started = time.monotonic()
        threads = [
            threading.Thread(target=reviewer, args=(c, setup, name, until, acks, i, args.think))
            for i, (c, name) in enumerate(clients)
        ]
        imported: dict = {}
        if args.import_records:
            lead = Client(servers[-1].port, [], statuses, timeout=300)  # the import itself stays out of the figures
            lead.log_in(setup["lead"])
            threads.append(
                threading.Thread(target=importer, args=(lead, setup, args.import_records, args.seconds / 4, imported))
            )
        analysed: dict = {}
        if analysed_review:
            threads.append(threading.Thread(target=analyst, args=(analysed_review, args.seconds / 4, analysed)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        for server in servers:
            server.stop()
        for worker in task_workers:
            worker.terminate()
            worker.wait(timeout=600)  # a worker finishes its task first

    problems = verify(acks)
    server_errors = sum(n for status, n in statuses.items() if isinstance(status, int) and status >= 500)
    print(
        f"{args.database}, {args.servers} gunicorn server(s) of {args.workers} workers, {args.task_workers} task "
        f"worker(s), cache {args.cache_url or 'per process'}, {args.reviewers} reviewers, mean pause {args.think} s, "
        f"{elapsed:.0f} s; statuses {dict(statuses)}"
    )
    print(latency_line("all", [seconds for _, _, seconds in log], elapsed))
    for kind in sorted({kind for kind, _, _ in log}):
        print(latency_line(kind, [seconds for of, _, seconds in log if of == kind], elapsed))
    print(f"  acknowledged: {len(acks['votes']):,} votes, {len(acks['values']):,} values; 5xx: {server_errors}")
    if args.import_records:
        print(
            f"  import of {args.import_records:,} records by the lead: "
            f"{'imported' if imported.get('imported') else 'NOT imported'} in {imported.get('seconds', 0):.1f} s "
            f"(preview {imported.get('preview seconds', 0):.1f} s)"
        )
        during = [seconds for _, at, seconds in log if imported.get("started", 0) <= at <= imported.get("finished", 0)]
        print(latency_line("while importing", during, imported.get("seconds", 0) or 1))
    if analysed_review:
        print(f"  analysis run through a task worker: {analysed.get('status')} in {analysed.get('seconds', 0):.1f} s")
    for reason, count in acks["refused"].most_common():
        print(f"  {count:,} votes refused with the message: {reason}")
    print(f"  database check: {'every acknowledged write present exactly once' if not problems else 'PROBLEMS'}")
    for problem in problems[:20]:
        print("   -", problem)
    if args.database == "postgres":
        recreate_postgres_database(args.pg_database, create=False)  # each run names its own: leave none behind
    failed = args.import_records and not imported.get("imported")
    failed = failed or (analysed_review and analysed.get("status") != "done")
    sys.exit(1 if problems or server_errors or failed else 0)


if __name__ == "__main__":
    main()
