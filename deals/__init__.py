"""Units, the availability board, holds, subscriptions and refunds (R-6, R-5.2, R-5.5, R-5.7)."""
