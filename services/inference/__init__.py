"""The inference service: an ONNX image classifier behind a Litestar app.

`python -m services.inference --help` runs it; `create_app(settings)` builds it for tests.
"""
