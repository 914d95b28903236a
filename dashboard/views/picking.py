"""The picker's screens. Pickers see nothing else (``Area.PICKING``)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from dashboard.db.tables import PickList
from dashboard.domain.roles import Area
from dashboard.views.security import area_guard


class PickingController(Controller):
    path = "/picking"
    guards = [area_guard(Area.PICKING)]

    @get("/")
    async def index(self) -> Template:
        pick_lists = await PickList.select(
            PickList.id, PickList.number, PickList.status, PickList.created_at
        ).where(PickList.status == "open").order_by(PickList.created_at)
        return Template("pages/picking/index.html", context={"pick_lists": pick_lists})
