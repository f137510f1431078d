# gunicorn settings for Relais: `gunicorn relais.wsgi --config deploy/gunicorn.conf.py`
import multiprocessing

bind = "127.0.0.1:8001"
workers = multiprocessing.cpu_count()
worker_class = "sync"
timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
# Query strings can hold search terms; log the path only.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'
