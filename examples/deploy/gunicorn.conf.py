"""gunicorn settings for the processor behind a reverse proxy, in a container.

Used as ``giftcard-connect serve --gunicorn-config gunicorn.conf.py``. The address and the
number of workers stay with ``HOST``, ``PORT`` and ``WEB_CONCURRENCY`` (checked by
``serve``), so the platform that sets ``PORT`` keeps control of it.
"""

# Threads per worker: the processor mostly waits on commercetools and the provider.
threads = 8

# A redeem may wait for the provider (GIFTCARD_PROVIDER_TIMEOUT, 10 s) and then for its
# void (10 s more); a worker is only killed well after that.
timeout = 60

# On a restart, requests in flight (a redeem between its charge and its record) get this
# long to finish before the worker is stopped.
graceful_timeout = 30

# Longer than the proxy's idle timeout for upstream connections (nginx keeps them 60 s by
# default, cloud load balancers 60-350 s), so the proxy, not gunicorn, closes idle ones.
keepalive = 75

# The proxy in front terminates TLS and says so in X-Forwarded-Proto; trust only it.
forwarded_allow_ips = "127.0.0.1"

# gunicorn's heartbeat files: memory, not the container's disk layer.
worker_tmp_dir = "/dev/shm"

# The processor's own logs (JSON, one line each, with correlation ids, and one line per
# request unless GIFTCARD_ACCESS_LOG=false) go to stderr; gunicorn's access log stays off.
accesslog = None
errorlog = "-"
