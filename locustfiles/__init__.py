"""Load tests of the inference service with Locust: users, load shapes, reports and a Prometheus collector.

Only `users`, `hooks`, `loadshape` and `locustfile` import Locust (which monkey-patches the process with
gevent); every other module is plain Python, so the test suite and `locustfiles.run` can import it.
"""
