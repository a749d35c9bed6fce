"""Airflow glue for newslake: the plugin, the Assets, and task helpers.

The domain code lives in the plain ``newslake`` package; this package only adapts it
to Airflow (run context from the task context, error translation, Asset definitions).
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin


class NewslakePlugin(AirflowPlugin):
    """Registers newslake with Airflow (its helpers are imported by the DAG files)."""

    name = "newslake"
