"""Stock: the catalogue, counts, receipts, reservations and backorders."""
