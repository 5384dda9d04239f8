"""The model registry side of the lab: MLflow versions and aliases of the served model, and the canary.

`python -m services.registry register|promote|status|bootstrap|server|canary|pushgateway`; see `cli.py`.
Nothing here knows the service's internals beyond `services.inference.runtime`, whose pipeline scores
a model in-process exactly as the service would.
"""
