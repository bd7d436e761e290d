"""Every department report's definition; importing this package registers them all."""

from . import accounts, dealers, market, plans, sales, work  # noqa: F401
