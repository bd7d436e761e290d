"""The sales department at scale (issue 21): `python -m bench --part department`."""
