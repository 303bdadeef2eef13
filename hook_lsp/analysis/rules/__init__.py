"""Rule modules, one per family; importing this package registers every rule.

HK0xx template reading · HK1xx hook annotations · HK2xx ordering and lifecycle ·
HK3xx scripts inside hooks · HK4xx deployers other than the helm CLI. Modules are found by name, so a new module needs no list edit.
"""

import importlib
import pkgutil

for _mod in pkgutil.iter_modules(__path__):
    if _mod.name.startswith("hk"):
        importlib.import_module(f"{__name__}.{_mod.name}")
