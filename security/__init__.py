"""Supply-chain and infrastructure checks (``python -m security.audit``); policy in accepted-findings.toml."""
