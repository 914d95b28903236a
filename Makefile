# The two commands of the README, on an idempotent set-up.
.PHONY: setup run test messages

setup:
	@bash scripts/setup.sh

run: setup
	@bash scripts/run.sh

test: setup
	@bash scripts/test.sh

# Re-extract translatable strings and merge them into the French catalogue; then fill the
# new empty msgstr in dashboard/locale/fr/LC_MESSAGES/messages.po (a test lists any left).
messages: setup
	.venv/bin/pybabel extract -F babel.cfg -k N_ -k Message -k _ -k gettext -k ngettext:1,2 -k pgettext:1c,2 -k P_:1c,2 -o dashboard/locale/messages.pot --no-location --omit-header .
	.venv/bin/pybabel update -i dashboard/locale/messages.pot -d dashboard/locale -l fr --no-fuzzy-matching --omit-header
