"""The Python side of reusable UI: template environment, filters, i18n, fragments."""
