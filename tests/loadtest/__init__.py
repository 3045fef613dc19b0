"""`make loadtest`: concurrent logged-in users on gunicorn and PostgreSQL, errors and latency measured.

    python -m tests.loadtest            # 20 users for 30 s
    USERS=5 DURATION=5 THINK=0 python -m tests.loadtest

What it does, all on the loopback interface and bounded in time:
1. creates its own database (`LOAD_DB`, default `mutu_madrasah_load`) on the PostgreSQL server of
   DATABASE_URL, or postgres://postgres@127.0.0.1:5432 when DATABASE_URL is not PostgreSQL; an old one
   of the same name is dropped first, and this one is dropped at the end;
2. migrates it, seeds the demo madrasah (`TEACHERS`, default 40; `SEMESTERS`, default 2: the quality
   cycles need two) and collects the static files into a temporary folder (`server_settings`);
3. starts gunicorn (`WORKERS` x `THREADS`, default 4 x 4, gthread) on 127.0.0.1 with the production
   profile (DEBUG off, a random SECRET_KEY, secure cookies, HSTS), no Celery worker, behind a
   pretend TLS proxy: the driver sends `X-Forwarded-Proto: https` as nginx would, so no SSL redirect;
4. runs Locust headless (`locustfile.py`, `swarm.py`): `SPAWN_RATE` users a second (default 4) arrive
   and log in through the real login form (CSRF token, cookies); once all are in, the statistics are
   reset and for `DURATION` seconds each user walks their role's pages (guru, waka, kepala; see
   `plan.build_plan`), pausing a random 0-2 x `THINK` seconds (default 1) between clicks as a person
   reading the page does;
5. prints one line per page and the figures in the `make bench` format, from Locust's CSV statistics,
   and the load generator's own CPU (Locust shares the machine with the server). Exit 1 when a request
   failed (an exception, a status >= 400, or a redirect to the login page), a page went unvisited or a
   figure is over its budget; exit 2 when the setup failed, e.g. PostgreSQL is not reachable.

Latency is Locust's: from sending the request to the last byte of the body; logins are not in the
figures (they happen before the measured window) but a failed login counts as an error. For a load one
machine cannot generate, Locust runs distributed (docs/deployment.md).
"""
