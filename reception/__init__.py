"""The front desk: the duty roster and rotation queue, visits, hotline calls and referrals (R-2)."""
