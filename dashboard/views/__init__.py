"""Litestar controllers: parse the request, call one service, answer a page or a fragment."""
