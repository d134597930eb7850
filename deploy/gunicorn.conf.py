# gunicorn settings for `punchout serve --config deploy/gunicorn.conf.py` (any gunicorn setting
# by its name, https://docs.gunicorn.org/en/stable/settings.html). `punchout serve` already
# sets the bind address, workers, threads, worker class, timeouts and JSON logging; its
# --host, --port, --workers and --threads win over this file.

# Requests a worker serves before it is replaced (limits the effect of any slow leak).
max_requests = 5000
max_requests_jitter = 500
# Seconds an idle keep-alive connection from the reverse proxy stays open.
keepalive = 5
# An access log file in addition to the connector's JSON request log (passwords redacted).
# accesslog = "/var/log/punchout/access.log"
