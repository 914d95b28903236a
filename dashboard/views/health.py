"""Liveness for load balancers: 200 when the database answers, 503 otherwise."""

from litestar import Response, get

from dashboard.services.health import database_answers
from dashboard.views.errors import RETRY_AFTER_SECONDS


@get("/healthz")
async def healthz() -> Response:
    if await database_answers():
        return Response({"status": "ok"}, status_code=200)
    return Response({"status": "database unreachable"}, status_code=503,
                    headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
