"""Payments: the payment queue, money in and out, provider webhooks, bank statements, auto-cancel of unpaid orders."""
