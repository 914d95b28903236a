"""``GET /api/v1/whoami``: lets the shop's integrators check their API key."""

from litestar import Request, get
from litestar.openapi.datastructures import ResponseSpec

from dashboard.views.api_schemas import DetailOut
from dashboard.views.security import API_KEY, api_guard


@get("/api/v1/whoami", guards=[api_guard], tags=["meta"], security=[{API_KEY: []}],
     responses={401: ResponseSpec(DetailOut, description="Missing or invalid API key",
                                  generate_examples=False)})
async def whoami(request: Request) -> dict[str, str]:
    """The name of the API key used for this call."""
    return {"name": request.user.name}
