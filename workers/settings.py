"""Configuration from environment variables (LEGIS_*), in one validated model."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from workflows.draft_law import TASK_QUEUE


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEGIS_", extra="ignore")

    temporal_address: str = Field(default="127.0.0.1:7233", description="host:port of the Temporal frontend")
    namespace: str = Field(default="default", description="Temporal namespace")
    task_queue: str = Field(default=TASK_QUEUE, description="task queue the workers poll")
    database_url: str | None = Field(
        default=None, description="PostgreSQL URL; `legis dev` starts an embedded server when unset"
    )
    data_dir: Path = Field(default=Path("data"), description="where `legis dev` keeps its databases")
    ui_port: int = Field(default=8233, description="port of the Web UI that `legis dev` starts")
    max_cached_workflows: int = Field(
        default=1000, ge=0, description="drafts a worker keeps in memory; others replay their history on their next event"
    )
    log_level: str = Field(default="INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")
    log_json: bool = Field(default=False, description="JSON log lines instead of the console renderer")
