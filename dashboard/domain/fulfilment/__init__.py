"""Fulfilment: holds, picking, shipping, dispatch, click-and-collect, carriers, ShipStation."""
