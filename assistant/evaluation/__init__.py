"""Answer-quality evaluation: the Q&A set format, metrics, the runner and the report.

`qa.py` reads and verifies Q&A sets, `metrics.py` holds pure metric functions, `runner.py`
runs a set through the same `Assistant` the CLI and UI use, and `report.py` writes the
Markdown report with its plots.
"""
