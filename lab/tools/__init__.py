"""The local lab's Prometheus and Grafana: `python -m lab.tools prometheus|grafana` (the Procfile's lines).

Each runs the real binary with the lab's generated config when it is installed; when it is not (or
its port is taken), it says why and how to install it, then waits for the stop signal, because
honcho stops the whole lab as soon as one of its processes exits.
"""
