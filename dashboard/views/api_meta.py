"""``GET /api/v1/whoami``: lets the shop's integrators check their API key."""

from litestar import Request, get

from dashboard.views.security import api_guard


@get("/api/v1/whoami", guards=[api_guard], tags=["meta"])
async def whoami(request: Request) -> dict:
    """The name of the API key used for this call."""
    return {"name": request.user.name}
