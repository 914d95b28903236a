"""Orders: intake and cancellation, listing and search, the order screen, edits, notes, customers, phone orders."""
