"""Returns: returns, exchanges, credits and surcharges."""
