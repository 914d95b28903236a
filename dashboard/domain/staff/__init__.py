"""Staff: accounts, sign-in, sessions, API keys and roles."""
