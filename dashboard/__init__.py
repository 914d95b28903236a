"""Order-processing back office: everything that happens to an order after it is placed."""

import os

# Piccolo finds its engine through this module; set it before any table is imported.
os.environ.setdefault("PICCOLO_CONF", "dashboard.db.piccolo_conf")
