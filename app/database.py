"""Engine settings Agora needs on SQLite: enforced foreign keys, working SAVEPOINTs, and
transactions that wait for the write lock instead of failing."""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy, not pysqlite, decide when transactions begin, so that
    # SAVEPOINTs work (SQLAlchemy's documented pysqlite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection):
    # IMMEDIATE: a transaction takes the file's write lock when it begins, so it waits
    # its turn there (busy_timeout). A plain BEGIN reads first and asks for the lock at
    # its first write; if another connection (the development mail thread, a worker
    # process) writes meanwhile, SQLite cannot wait without a deadlock and answers
    # "database is locked" at once. Transactions on one file take turns; PostgreSQL is
    # not concerned.
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
