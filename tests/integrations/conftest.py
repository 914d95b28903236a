"""Fixtures of the integration tests: a ShipStation caller with Basic credentials."""

import base64

import pytest

USERNAME, PASSWORD = "shipstation", "s3cret-pass"


def basic(username: str = USERNAME, password: str = PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"authorization": f"Basic {token}"}


@pytest.fixture
def shipstation(configure, client):
    """``await shipstation.get(params)`` / ``.post(params, body)`` as ShipStation calls us."""
    configure(DASHBOARD_SHIPSTATION_USERNAME=USERNAME, DASHBOARD_SHIPSTATION_PASSWORD=PASSWORD,
              DASHBOARD_TIMEZONE="Europe/Paris")

    class Caller:
        async def get(self, params, headers=None):
            return await client.get("/integrations/shipstation", params=params,
                                    headers=basic() if headers is None else headers)

        async def post(self, params, body=b"", headers=None):
            return await client.post(
                "/integrations/shipstation", params=params, content=body,
                headers={**(basic() if headers is None else headers),
                         "content-type": "application/xml"})

    return Caller()
