"""The writes of expenses (R-16.3): budgets, claims and their lines and photos, ranks, paying."""
