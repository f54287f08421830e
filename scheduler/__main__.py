"""`python -m scheduler`: the delivery tick and the outbox sender in their own process."""

from __future__ import annotations

import logging
import sys

from config import config_for_env
from profiler import create_app
from scheduler.runner import run_forever


def main() -> int:
    """Build the app (without an embedded scheduler) and run the jobs until stopped."""
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stdout,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    app = create_app(config_for_env(), EMBEDDED_SCHEDULER=False)
    run_forever(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
