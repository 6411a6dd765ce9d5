"""gunicorn's settings for civmon, read from the working directory by `gunicorn dashboard.app:server` (the Procfile's
command, and the tests' servers, which override bind, workers and timeout on their command line).

Threads, not one request per process: with gunicorn's default sync workers, four clients that send their request a
byte at a time held both workers and the site stopped answering. A thread waits for a slow client while the
worker's other threads serve; behind a reverse proxy that buffers requests (nginx does by default) slow clients
never reach gunicorn at all (README, Production)."""
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8050')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))  # one per core of a small machine
worker_class = "gthread"
threads = 8             # per worker: requests served side by side; up to 7 slow clients a worker are waited for
timeout = 60            # a request still running after this is stopped with its worker (imports included)
graceful_timeout = 20
keepalive = 5
limit_request_line = 8190     # the longest address, with every filter of a view (gunicorn's maximum)
limit_request_fields = 100
limit_request_field_size = 8190
