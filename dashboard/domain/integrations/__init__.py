"""Integrations: outgoing webhooks and the accounting export."""
