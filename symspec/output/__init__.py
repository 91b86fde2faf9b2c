"""The output layer: one JSON schema, one 80-column table layout, plots, and a thin renderer per command.

Each command's renderer lives in its own module here (``output/ledger.py``, ``output/audit.py``, …) and imports
the shared helpers; nothing in ``output`` runs a check.
"""
