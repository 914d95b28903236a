"""Printing: documents and their numbering, PDFs, batches, labels and print jobs."""
