"""The load test's own database, created and dropped on the PostgreSQL server of DATABASE_URL."""

from urllib.parse import urlsplit

from .options import Settings, SetupError


def _admin_connection(settings: Settings):
    import psycopg

    url = settings.database_url("postgres")
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        parts = urlsplit(url)
        reason = (str(error).strip().splitlines() or ["no answer"])[0].rsplit(": ", 1)[-1]
        raise SetupError(
            f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432} as {parts.username!r} "
            f"({reason}). Start it, or set DATABASE_URL to a server where this user may create databases."
        ) from None


def recreate_database(settings: Settings) -> None:
    import psycopg
    from psycopg import sql

    with _admin_connection(settings) as conn:
        name = sql.Identifier(settings.database)
        try:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
        except psycopg.Error as error:
            raise SetupError(f"Could not create the database {settings.database!r}: {error}") from None


def drop_database(settings: Settings) -> None:
    from psycopg import sql

    with _admin_connection(settings) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(settings.database)))
