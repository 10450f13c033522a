"""Docker-free local development: the API Gateway emulator (``python -m local.gateway``), its
embedded AWS and the per-function worker processes. Never deployed.

Import nothing here: every worker process imports this package before its function's code.
"""
