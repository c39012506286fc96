"""The raw database floor: single-row INSERTs, one transaction each, straight from the bench process with
sqlite3 or psycopg, with the durability the server runs with (SQLite: WAL, the server's synchronous level and
BEGIN IMMEDIATE; PostgreSQL: the server's own synchronous_commit), one connection per client."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from typing import Any

from bench.http.data import Database
from bench.http.load import Operation, form_text

TABLE = "bench_raw_commit"


class RawInserts:
    """`make(i)` is client i's operation: insert one row and commit, on a connection of its own."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.connections: list[Any] = []
        self.lock = threading.Lock()
        self.count = 0
        conn = self._connect()
        if db.vendor == "sqlite":
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (id INTEGER PRIMARY KEY, k VARCHAR(64), content TEXT)"
            )
        else:
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (id BIGSERIAL PRIMARY KEY, k VARCHAR(64), content JSONB)"
            )
            conn.commit()

    def _connect(self) -> Any:
        if self.db.vendor == "sqlite":
            sync = os.environ.get("LUOSHI_SQLITE_SYNCHRONOUS", "NORMAL").strip().upper()
            conn: Any = sqlite3.connect(
                self.db.name, timeout=20, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA synchronous={sync}")
        else:
            import psycopg

            conn = psycopg.connect(self.db.url)
        with self.lock:
            self.connections.append(conn)
        return conn

    def make(self, i: int) -> Operation:
        conn = self._connect()
        content = json.dumps(form_text(i), ensure_ascii=False)
        sqlite = self.db.vendor == "sqlite"

        def insert() -> str:
            with self.lock:
                self.count += 1
                key = f"raw-{self.count}"
            if sqlite:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(f"INSERT INTO {TABLE} (k, content) VALUES (?, ?)", (key, content))
                conn.execute("COMMIT")
            else:
                conn.execute(f"INSERT INTO {TABLE} (k, content) VALUES (%s, %s)", (key, content))
                conn.commit()
            return "ok"

        return insert

    def durability(self) -> str:
        """The commit's durability, as the server runs it and as measured here."""
        conn = self._connect()
        if self.db.vendor == "sqlite":
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            return f"journal_mode={mode}, synchronous={os.environ.get('LUOSHI_SQLITE_SYNCHRONOUS', 'NORMAL')}"
        settings = [
            f"{name}={conn.execute(f'SHOW {name}').fetchone()[0]}" for name in ("synchronous_commit", "fsync")
        ]
        conn.rollback()
        return ", ".join(settings)

    def stored(self) -> int:
        """The rows in the table: each acknowledged commit must be there."""
        conn = self._connect()
        count = conn.execute(f"SELECT COUNT(*) FROM {TABLE}").fetchone()[0]
        if self.db.vendor != "sqlite":
            conn.rollback()
        return int(count)

    def close(self) -> None:
        for conn in self.connections:
            conn.close()
        self.connections.clear()
