"""The benchmark suite (issue 8): `python -m bench --help`.

Seeds PostgreSQL with COPY at a chosen scale, serves the application with gunicorn on
127.0.0.1 (bench.settings: the production settings over plain HTTP, plus two bare control
views), loads it with wrk, times the jobs and the reports, and prints one table plus a JSON
file of every figure. A benchmark, not a test: nothing here asserts a timing.
"""
