"""Exit 0 if the PostgreSQL server in the given URL accepts connections, 1 otherwise."""

from __future__ import annotations

import sys

import dj_database_url
import psycopg


def main() -> int:
    config = dj_database_url.parse(sys.argv[1])
    try:
        psycopg.connect(
            host=config["HOST"],
            port=config["PORT"] or 5432,
            user=config["USER"],
            password=config["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
