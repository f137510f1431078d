# gunicorn settings for Relais: `gunicorn relais.wsgi --config deploy/gunicorn.conf.py`
import multiprocessing

bind = "127.0.0.1:8001"
workers = multiprocessing.cpu_count()
worker_class = "sync"
timeout = 30
max_requests = 2000
max_requests_jitter = 200
# No access log of gunicorn's own: the application writes one JSON line per
# request on stdout (relais.core.logs: path without query string, status,
# duration, request id; no client address). gunicorn's error log stays on stderr.
accesslog = None
errorlog = "-"
