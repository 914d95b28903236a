"""The rules of the mission in plain Python: no Litestar, no Piccolo imports here."""
