"""Version specifiers as package manifests write them (`^2.0.1`, `~1.3`, `>=2`, `2.x`, `latest`).

The JS frontend records the specifier each manifest or lockfile gives a package; the resolver asks
which major version it installs (the Vercel AI SDK's `provider(model)` changed endpoint at 5.x).
Neither side owns the reading of a specifier, so it lives here.
"""

from __future__ import annotations

import re
from typing import Optional

_FIRST_NUMBER = re.compile(r"(\d+)")


def major(spec: str) -> Optional[int]:
    """The major version a version or range installs, if it says (the last of `a || b` alternatives)."""
    if spec.strip() in ("latest", "*", "next", ""):
        return None
    match = _FIRST_NUMBER.search(spec.split("||")[-1])
    return int(match.group(1)) if match else None
